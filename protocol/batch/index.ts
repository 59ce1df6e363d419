/** The OData `$batch` wire format (multipart/mixed), shared by the mock server and the client. */
export { BatchFormatError } from './BatchFormatError.js';
export { decodeBatchRequest, decodeBatchResponse, encodeBatchRequest, encodeBatchResponse } from './batchCodec.js';
export type { BatchEntry } from './batchCodec.js';
export type { HttpRequestMessage, HttpResponseMessage } from './httpMessage.js';
