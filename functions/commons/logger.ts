/**
 * One Powertools logger per handler. It logs what the code passes it and never the incoming event
 * (`logEvent` stays off) nor the environment; the service name comes from POWERTOOLS_SERVICE_NAME.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export function createLogger(defaultServiceName: string): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? defaultServiceName });
}
