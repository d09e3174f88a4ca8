/**
 * How every function signs its requests to DynamoDB Local, which accepts any credentials: local mode never reaches
 * for the developer's AWS settings.
 */
export const DYNAMODB_LOCAL_ACCESS = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } as const;
