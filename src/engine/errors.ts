// One error type for the whole engine, with MLflow's error codes. The server maps code → HTTP status.
export type ErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'INVALID_STATE'
  | 'ENDPOINT_NOT_FOUND'
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'INTERNAL_ERROR'
  | 'FEATURE_DISABLED';

const STATUS: Record<ErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_STATE: 400,
  ENDPOINT_NOT_FOUND: 404,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  REQUEST_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  FEATURE_DISABLED: 501,
};

export class MlflowError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'MlflowError';
  }
  get status(): number {
    return STATUS[this.code];
  }
  toJSON(): { error_code: ErrorCode; message: string } {
    return { error_code: this.code, message: this.message };
  }
}

export const invalid = (message: string) => new MlflowError('INVALID_PARAMETER_VALUE', message);
export const notFound = (message: string) => new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
export const alreadyExists = (message: string) => new MlflowError('RESOURCE_ALREADY_EXISTS', message);
export const invalidState = (message: string) => new MlflowError('INVALID_STATE', message);

/** A store file that cannot be used (corrupt, newer schema, not SQLite). Never auto-repaired. */
export class StoreError extends Error {
  constructor(message: string, readonly file: string) {
    super(message);
    this.name = 'StoreError';
  }
}
