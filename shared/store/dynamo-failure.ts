/** One wording for every failed DynamoDB call of the store's adapters: the operation, the table, the SDK's reason. */
export function dynamoFailure(tableName: string, operation: string, err: unknown): Error {
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new Error(`DynamoDB ${operation} on table ${tableName} failed: ${reason}`, { cause: err });
}

/** Runs one DynamoDB call; its failure comes back worded by dynamoFailure. */
export async function sendToDynamo<T>(tableName: string, operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw dynamoFailure(tableName, operation, err);
  }
}
