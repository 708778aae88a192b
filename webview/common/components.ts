// Our thin component layer over @vscode/webview-ui-toolkit. Panels use only these functions, never the
// toolkit's tags or classes, so the (archived upstream) toolkit can be swapped for another set of controls
// by rewriting this one file.
import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeOption, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeTextField(), vsCodeDropdown(), vsCodeOption());
}

function make<T extends HTMLElement>(tag: string, className?: string): T {
  register();
  const el = document.createElement(tag) as T;
  if (className) el.className = className;
  return el;
}

export interface ButtonHandle {
  readonly el: HTMLElement;
  setDisabled(disabled: boolean): void;
  setLabel(label: string): void;
}
export function button(label: string, onClick: () => void,
  opts: { appearance?: 'primary' | 'secondary'; title?: string; className?: string; disabled?: boolean } = {}): ButtonHandle {
  const el = make<HTMLElement & { disabled: boolean }>('vscode-button', opts.className);
  el.textContent = label;
  el.setAttribute('appearance', opts.appearance ?? 'secondary');
  if (opts.title) el.title = opts.title;
  if (opts.disabled) el.setAttribute('disabled', '');
  el.addEventListener('click', () => { if (!el.hasAttribute('disabled')) onClick(); });
  return {
    el,
    setDisabled: d => d ? el.setAttribute('disabled', '') : el.removeAttribute('disabled'),
    setLabel: l => { el.textContent = l; },
  };
}

export interface CheckboxHandle {
  readonly el: HTMLElement;
  checked: boolean;
}
export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void,
  opts: { title?: string; className?: string } = {}): CheckboxHandle {
  const el = make<HTMLElement & { checked: boolean }>('vscode-checkbox', opts.className);
  el.textContent = label;
  if (opts.title) el.title = opts.title;
  if (checked) el.setAttribute('checked', '');
  el.checked = checked;
  let last = checked;
  el.addEventListener('change', () => {
    if (el.checked === last) return;
    last = el.checked;
    onChange(el.checked);
  });
  return {
    el,
    get checked() { return el.checked; },
    set checked(v: boolean) { last = v; el.checked = v; },
  };
}

export interface TextFieldHandle {
  readonly el: HTMLElement;
  value: string;
  focus(): void;
}
export function textField(opts: {
  placeholder?: string; value?: string; className?: string; ariaLabel?: string;
  onInput?: (value: string) => void; onEnter?: (value: string) => void;
}): TextFieldHandle {
  const el = make<HTMLElement & { value: string }>('vscode-text-field', opts.className);
  if (opts.placeholder) el.setAttribute('placeholder', opts.placeholder);
  if (opts.ariaLabel) el.setAttribute('aria-label', opts.ariaLabel);
  el.setAttribute('value', opts.value ?? '');
  el.value = opts.value ?? '';
  el.addEventListener('input', () => opts.onInput?.(el.value));
  el.addEventListener('keydown', (e: KeyboardEvent) => {
    if (e.key === 'Enter') { e.preventDefault(); opts.onEnter?.(el.value); }
  });
  return {
    el,
    get value() { return el.value ?? ''; },
    set value(v: string) { el.value = v; },
    focus: () => el.focus(),
  };
}

export interface Option {
  value: string;
  label: string;
}
export interface DropdownHandle {
  readonly el: HTMLElement;
  readonly value: string;
  setOptions(options: Option[], value: string): void;
}
export function dropdown(options: Option[], value: string, onChange: (value: string) => void,
  opts: { className?: string; ariaLabel?: string } = {}): DropdownHandle {
  const el = make<HTMLElement & { value: string }>('vscode-dropdown', opts.className);
  if (opts.ariaLabel) el.setAttribute('aria-label', opts.ariaLabel);
  let current = value;
  const fill = (list: Option[], selected: string) => {
    current = selected;
    el.replaceChildren(...list.map(o => {
      const opt = make<HTMLElement>('vscode-option');
      opt.setAttribute('value', o.value);
      opt.textContent = o.label;
      // The toolkit ignores `value` set before the options are connected; `selected` always works.
      if (o.value === selected) opt.setAttribute('selected', '');
      return opt;
    }));
    if (el.isConnected) el.value = selected;
  };
  fill(options, value);
  el.addEventListener('change', () => {
    if (el.value === current) return;
    current = el.value;
    onChange(current);
  });
  return { el, get value() { return current; }, setOptions: fill };
}

/** A labelled range slider (the toolkit has none; a native input styled by webview.css). */
export function slider(label: string, opts: { min: number; max: number; step: number; value: number; format: (v: number) => string },
  onChange: (value: number) => void): { el: HTMLElement; value: number } {
  const wrap = document.createElement('label');
  wrap.className = 'slider';
  const input = document.createElement('input');
  input.type = 'range';
  input.min = String(opts.min);
  input.max = String(opts.max);
  input.step = String(opts.step);
  input.value = String(opts.value);
  const out = document.createElement('span');
  out.className = 'slider-value';
  out.textContent = opts.format(opts.value);
  input.addEventListener('input', () => {
    out.textContent = opts.format(Number(input.value));
    onChange(Number(input.value));
  });
  wrap.append(label, input, out);
  return { el: wrap, get value() { return Number(input.value); } };
}
