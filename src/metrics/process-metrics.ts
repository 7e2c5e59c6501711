import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/**
 * prom-client's default metrics (CPU, memory, event-loop lag, GC, handles): facts about the
 * process, not about one Tessera instance, so collected once per process and shared by every
 * instance in it (tests start several). Collecting them per instance would register another GC
 * observer and event-loop monitor each time.
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
