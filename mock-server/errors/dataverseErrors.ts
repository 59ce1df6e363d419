import { DataverseError } from './DataverseError.js';

/**
 * The catalogue of errors the mock emits: statuses, codes and message texts follow Microsoft
 * Learn's Web API pages ("Web API error codes", "Compose HTTP requests and handle errors") and
 * answers recorded from real orgs. Where Dataverse's exact answer is not documented, the choice
 * made is noted beside the entry.
 */
export const dataverseErrors = {
  resourceNotFound: (segment: string) =>
    new DataverseError(404, '0x8006088a', `Resource not found for the segment '${segment}'.`),

  noHttpResource: (url: string) =>
    new DataverseError(404, '', `No HTTP resource was found that matches the request URI '${url}'.`),

  methodNotAllowed: (method: string) =>
    new DataverseError(405, '0x80060888', `The requested resource does not support http method '${method}'.`),

  recordNotFound: (table: string, id: string) =>
    new DataverseError(404, '0x80040217', `${table} With Id = ${id} Does Not Exist`),

  // Alternate-key misses: SDK text "A record with the specified key values does not exist in <table> entity".
  recordNotFoundByKey: (table: string) =>
    new DataverseError(404, '0x80040217', `A record with the specified key values does not exist in ${table} entity`),

  // Dataverse documents the code, not the HTTP status; the Web API answers DuplicateRecord with 412
  // (Precondition Failed), as for an alternate key that already exists.
  duplicateKey: () => new DataverseError(412, '0x80040237', 'Cannot insert duplicate key.'),

  // Code is empty in the docs' example.
  recordAlreadyExists: () => new DataverseError(412, '', 'A record with matching key values already exists.'),

  versionMismatch: () =>
    new DataverseError(
      412,
      '0x80060882',
      "The version of the existing record doesn't match the RowVersion property provided.",
    ),

  unknownProperty: (name: string, table: string) =>
    new DataverseError(
      400,
      '0x0',
      `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${table}'.`,
    ),

  invalidBodyProperty: (name: string, table: string) =>
    new DataverseError(
      400,
      '0x0',
      `An error occurred while validating input parameters: Microsoft.Crm.CrmException: Invalid property '${name}' was found in entity 'Microsoft.Dynamics.CRM.${table}'. ---> Microsoft.OData.ODataException: Does not support untyped value in non-open type.`,
    ),

  invalidValue: (value: string, edmType: string) =>
    new DataverseError(400, '0x0', `Cannot convert the literal '${value}' to the expected type '${edmType}'.`),

  stringTooLong: (column: string, table: string, maxLength: number) =>
    new DataverseError(
      400,
      '0x80044331',
      `A validation error occurred.  The length of the '${column}' attribute of the '${table}' entity exceeded the maximum allowed length of '${maxLength}'.`,
    ),

  invalidChoice: (column: string, value: number) =>
    new DataverseError(
      400,
      '0x8004431a',
      `Value ${value} is outside the valid range for the '${column}' choice column.`,
    ),

  payloadError: (entitySet: string, detail: string) =>
    new DataverseError(
      400,
      '0x80048d19',
      `Error identified in Payload provided by the user for Entity :'${entitySet}', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : ${detail}`,
    ),

  undeclaredBindProperty: (entitySet: string, name: string) =>
    dataverseErrors.payloadError(
      entitySet,
      `Microsoft.OData.ODataException: An undeclared property '${name}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
    ),

  nullBind: (entitySet: string) =>
    dataverseErrors.payloadError(
      entitySet,
      "Microsoft.OData.ODataException: The 'odata.bind' instance or property annotation has a null value. In OData, the 'odata.bind' instance or property annotation must have a non-null string value.",
    ),

  invalidKey: (table: string) =>
    new DataverseError(
      400,
      '0x80060888',
      `The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.${table}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.${table}'.`,
    ),

  badRequest: (message: string, code = '0x80060888') => new DataverseError(400, code, message),

  querySyntax: (message: string) => new DataverseError(400, '0x80060888', message),

  /** FetchXML aggregates stop at 50,000 records (Dataverse's AggregateQueryRecordLimit). */
  aggregateLimit: () =>
    new DataverseError(400, '0x8004E023', 'AggregateQueryRecordLimit exceeded. Cannot perform this operation.'),

  unsupportedQueryOption: (name: string) =>
    new DataverseError(400, '0x0', `The query parameter '${name}' is not supported.`),

  payloadTooLarge: (limitBytes: number) =>
    new DataverseError(413, '0x80040216', `The request body exceeded the maximum allowed size of ${limitBytes} bytes.`),

  unsupportedMediaType: (contentType: string) =>
    new DataverseError(415, '0x80060888', `The content type '${contentType}' is not supported. Send application/json.`),

  // Dataverse answers 401 with a WWW-Authenticate challenge; the body text is ours.
  unauthorized: (challenge: string, reason: string) =>
    new DataverseError(401, '0x80072560', `The user is not authenticated: ${reason}`, {
      'WWW-Authenticate': challenge,
    }),

  /** A bug in the mock, never a client mistake; the caller logs the cause. */
  expiredVersionStamp: () =>
    new DataverseError(
      400,
      '0x80044352',
      'The ClientVersionStamp is expired or was not issued by this server; ask again without it for everything.',
    ),
  internal: () => new DataverseError(500, '0x80040216', 'An unexpected error occurred.'),

  // Text chosen for the mock: Dataverse's 503 bodies vary and are not documented.
  serviceUnavailable: () =>
    new DataverseError(503, '', 'The service is temporarily unavailable. Please try again later.', {
      'Retry-After': '1',
    }),

  bodiesBusy: () =>
    new DataverseError(503, '', 'Server Busy: too many request bodies are being received at once; try again shortly.', {
      'Retry-After': '1',
    }),
} as const;
