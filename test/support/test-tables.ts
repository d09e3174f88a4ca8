import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toCreateTableInput } from '../../lib/local/local-tables';
import type { TableDefinition } from '../../lib/table-definitions';

/** Creates each table definition under its (per-test-file) name in DynamoDB Local, as the stack would. */
export async function createTables(client: DynamoDBClient, tables: ReadonlyArray<readonly [TableDefinition, string]>): Promise<void> {
  for (const [definition, name] of tables) await client.send(new CreateTableCommand(toCreateTableInput(definition, name)));
}
