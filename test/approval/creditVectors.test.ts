import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { scoreFacts, type CreditFacts } from '../../server/approval/credit/score.ts';
import { CreditWeights, DEFAULT_WEIGHTS } from '../../server/approval/credit/weights.ts';

/**
 * The credit rules as a table: each file in test/vectors/credit is facts (+ weights) in, score
 * out, computed by hand from the rules. A change to a rule or a default weight shows up here.
 */
interface Vector {
  description: string;
  time: number;
  weights?: unknown;
  facts: CreditFacts;
  expected: {
    total: number;
    grade: string;
    scores?: Record<string, number>;
    contributions?: Record<string, number>;
    items?: Record<string, [string | null, string, number][]>;
  };
}

const DIR = join(import.meta.dirname, '../vectors/credit');

describe('credit score vectors', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
    const v = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Vector;
    test(`${file}: ${v.description}`, () => {
      const weights = v.weights ? CreditWeights.parse(v.weights) : DEFAULT_WEIGHTS;
      const r = scoreFacts(v.facts, weights, v.time);
      const dim = (d: string) => r.dimensions.find((x) => x.dim === d)!;
      assert.equal(r.total, v.expected.total);
      assert.equal(r.grade, v.expected.grade);
      assert.equal(r.total, r.dimensions.reduce((s, d) => s + d.contribution, 0), 'the breakdown adds up');
      for (const [d, s] of Object.entries(v.expected.scores ?? {})) assert.equal(dim(d).score, s, `${d} score`);
      for (const [d, c] of Object.entries(v.expected.contributions ?? {})) assert.equal(dim(d).contribution, c, `${d} contribution`);
      for (const [d, items] of Object.entries(v.expected.items ?? {})) {
        assert.deepEqual(dim(d).items.map((i) => [i.ref, i.kind, i.delta]), items, `${d} items trace to records`);
      }
      for (const d of r.dimensions) for (const i of d.items) assert.ok(Number.isSafeInteger(i.delta), 'integers only');
    });
  }
});
