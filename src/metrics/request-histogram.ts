import { Histogram, type Registry } from 'prom-client';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

type Labels = { method: string; route: string; status: string };

/**
 * Request latency by method, route pattern and status; its `_count` series is the request count.
 * `route` must be a pattern (`/api/v1/user/tokens/:id`), never a raw path, so ids and tokens
 * never become labels; the label objects are built once per combination and reused.
 */
export class RequestHistogram {
  private readonly histogram: Histogram<keyof Labels>;
  private readonly labels = new Map<string, Map<string, Map<number, Labels>>>();

  constructor(registry: Registry) {
    this.histogram = new Histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route pattern and status (its _count is the number of requests).',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    this.histogram.observe(this.labelsFor(METHODS.has(method) ? method : 'other', route, status), seconds);
  }

  private labelsFor(method: string, route: string, status: number): Labels {
    let byRoute = this.labels.get(method);
    if (!byRoute) this.labels.set(method, (byRoute = new Map()));
    let byStatus = byRoute.get(route);
    if (!byStatus) byRoute.set(route, (byStatus = new Map()));
    let labels = byStatus.get(status);
    if (!labels) byStatus.set(status, (labels = { method, route, status: String(status) }));
    return labels;
  }
}
