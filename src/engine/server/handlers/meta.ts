// Health, version, and MLOps' own change feed (a cheap version number for pollers).
import type { Handler } from '../context';

export const VERSION = '0.1.0';
export const health: Handler = () => ({ kind: 'text', body: 'OK' });
export const version: Handler = () => ({ kind: 'text', body: VERSION });
export const changeVersion: Handler = ({ engine }) => ({ version: engine.store.changeVersion() });
