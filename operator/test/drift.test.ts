// drift.ts: what the real API server hands back for what the operator applied is no drift; a changed
// field, a missing list item or a different quantity is.
import { describe, expect, it } from 'vitest';
import { driftPaths } from '../src/drift.ts';

describe('driftPaths', () => {
  it('empty fields the server drops (omitempty) are no drift', () => {
    expect(
      driftPaths(
        { spec: { publishNotReadyAddresses: false, env: [{ name: 'SEED', value: '' }], x: {}, y: [] } },
        { spec: { env: [{ name: 'SEED' }] } },
      ),
    ).toEqual([]);
  });

  it('quantities in limits and requests compare by value, elsewhere as strings', () => {
    const desired = {
      resources: { requests: { cpu: '0.5', memory: '1024Mi' } },
      env: [{ name: 'N', value: '0.5' }],
    };
    const live = {
      resources: { requests: { cpu: '500m', memory: '1Gi' } },
      env: [{ name: 'N', value: '500m' }],
    };
    expect(driftPaths(desired, live)).toEqual(['env[N].value']);
    expect(
      driftPaths({ resources: { limits: { cpu: '1' } } }, { resources: { limits: { cpu: '900m' } } }),
    ).toEqual(['resources.limits.cpu']);
  });

  it('merge lists match by key in any order, and others’ items beside ours are theirs', () => {
    const desired = {
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    };
    expect(
      driftPaths(desired, {
        env: [
          { name: 'X', value: 'theirs' },
          { name: 'B', value: '2' },
          { name: 'A', value: '1' },
        ],
      }),
    ).toEqual([]);
    expect(driftPaths(desired, { env: [{ name: 'A', value: '1' }] })).toEqual(['env[B]']);
    expect(
      driftPaths(desired, {
        env: [
          { name: 'A', value: '9' },
          { name: 'B', value: '2' },
        ],
      }),
    ).toEqual(['env[A].value']);
    const ports = { ports: [{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }] };
    expect(driftPaths(ports, { ports: [{ containerPort: 9464, protocol: 'TCP', name: 'metrics' }] })).toEqual(
      [],
    );
    expect(driftPaths(ports, { ports: [{ containerPort: 9465, protocol: 'TCP', name: 'metrics' }] })).toEqual(
      ['ports[9464/TCP]'],
    );
  });

  it('atomic lists compare whole and in order; defaults the server adds are no drift', () => {
    expect(driftPaths({ drop: ['ALL'] }, { drop: ['ALL', 'NET_RAW'] })).toEqual(['drop']);
    expect(driftPaths({ a: 1 }, { a: 1, defaulted: 'by the server' })).toEqual([]);
    expect(driftPaths({ a: { b: 1 } }, {})).toEqual(['a']);
  });
});
