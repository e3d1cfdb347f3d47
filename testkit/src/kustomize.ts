// Kubernetes manifests as the tests read them: `kubectl kustomize` output parsed into plain objects.
import { parseAllDocuments } from 'yaml';
import { run } from './processes.ts';

export type KObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are walked generically
  [key: string]: any;
};

/** `kubectl kustomize <dir>` parsed into objects. */
export async function render(dir: string): Promise<KObject[]> {
  const result = await run('kubectl', ['kustomize', dir]);
  if (result.code !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseYamlDocuments(result.stdout);
}

export function parseYamlDocuments(text: string): KObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      return doc.toJS() as KObject | null;
    })
    .filter((o): o is KObject => o !== null);
}
