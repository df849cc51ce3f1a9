import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeadlineHeap } from "../../../server/queue/deadline-heap.js";
import { SortedList } from "../../../server/queue/sorted-list.js";

describe("SortedList", () => {
  it("stays sorted and removes exactly the entry asked for", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean())), (ops) => {
        let seq = 0;
        const list = new SortedList<{ key: number; seq: number }>((a, b) => a.key - b.key || a.seq - b.seq);
        const model: { key: number; seq: number }[] = [];
        for (const [key, remove] of ops) {
          const victim = model[key % Math.max(1, model.length)];
          if (remove && victim !== undefined) {
            expect(list.remove(victim)).toBe(true);
            model.splice(model.indexOf(victim), 1);
          } else {
            const item = { key, seq: seq++ };
            list.insert(item);
            model.push(item);
          }
        }
        model.sort((a, b) => a.key - b.key || a.seq - b.seq);
        expect([...list]).toEqual(model);
      }),
    );
  });
});

describe("DeadlineHeap", () => {
  it("pops live deadlines in time order and skips cancelled or moved ones", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 1_000 }), fc.boolean())), (ops) => {
        const heap = new DeadlineHeap<string>();
        const model = new Map<string, number>();
        for (const [k, at, cancel] of ops) {
          const key = `k${k}`;
          if (cancel) {
            heap.delete(key);
            model.delete(key);
          } else {
            heap.set(key, at, key);
            model.set(key, at);
          }
        }
        expect(heap.peek()).toBe(model.size === 0 ? undefined : Math.min(...model.values()));
        const popped: number[] = [];
        for (let due = heap.popDue(Infinity); due !== undefined; due = heap.popDue(Infinity)) {
          expect(model.get(due.key)).toBeDefined();
          popped.push(model.get(due.key)!);
          model.delete(due.key);
        }
        expect(model.size).toBe(0);
        expect(popped).toEqual([...popped].sort((a, b) => a - b));
      }),
    );
  });
});
