/**
 * Metric families as the Prometheus text format describes them: a name with its unit in it, HELP,
 * TYPE, and samples. Collectors fill families; the encoder writes them.
 */
export type MetricType = 'gauge' | 'counter';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The families of one collection, in the order they were declared; a name can be declared once. */
export class FamilySet {
  private readonly byName = new Map<string, MetricFamily>();

  gauge(name: string, help: string): Family {
    return this.declare(name, help, 'gauge');
  }

  /** A counter: the name must end in `_total` (the text format's convention, and promtool's). */
  counter(name: string, help: string): Family {
    if (!name.endsWith('_total')) throw new Error(`counter ${name} must end in _total`);
    return this.declare(name, help, 'counter');
  }

  get families(): MetricFamily[] {
    return [...this.byName.values()];
  }

  private declare(name: string, help: string, type: MetricType): Family {
    if (!NAME.test(name)) throw new Error(`bad metric name ${name}`);
    if (this.byName.has(name)) throw new Error(`metric ${name} declared twice`);
    const f: MetricFamily = { name, help, type, samples: [] };
    this.byName.set(name, f);
    return new Family(f);
  }
}

/** Adds samples to one family; label names are checked, values are any text (the encoder escapes them). */
export class Family {
  constructor(readonly family: MetricFamily) {}

  set(labels: Labels, value: number): this {
    for (const [k] of Object.entries(labels)) if (!LABEL.test(k) || k.startsWith('__')) throw new Error(`label ${k}`);
    this.family.samples.push({ labels, value });
    return this;
  }
}
