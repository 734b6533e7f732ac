import { basename } from 'node:path';

export const handler = async (event, context) => ({ esm: basename(import.meta.url), event, id: context.awsRequestId });
