/** A `$batch` body that cannot be read: the message says where and which rule it broke. */
export class BatchFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchFormatError';
  }
}
