import { FakeClient } from '@aws-sdk/client-fake';

export const handler = async () => FakeClient.name;
