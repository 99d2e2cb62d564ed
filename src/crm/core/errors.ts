/** An operating error of one crm statement: the statement changes nothing and the message says why. */
export class CrmError extends Error {
  override name = "CrmError";
}
