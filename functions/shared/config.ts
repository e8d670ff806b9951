import { ConfigError } from './errors.js';

/** Reads a required environment variable at call time (tests and the local runtime set them per table). */
export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new ConfigError(`${name} is not set`);
  return value;
};

export const config = {
  tableName: (): string => requiredEnv('TABLE_NAME'),
  eventBusName: (): string => requiredEnv('EVENT_BUS_NAME'),
  stage: (): string => process.env.STAGE ?? 'local',
};
