import { expect, it } from 'vitest';
import { parseYamlDocuments } from '../src/kustomize.ts';

it('parses every document of a multi-document YAML stream, skipping empty ones', () => {
  const objects = parseYamlDocuments(
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n',
  );
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/a', 'Deployment/b']);
});

it('fails on a document that is not YAML', () => {
  expect(() => parseYamlDocuments('a: [unclosed')).toThrow();
});
