import { NonexistentClient } from '@aws-sdk/client-nonexistent';

export const handler = async () => typeof NonexistentClient;
