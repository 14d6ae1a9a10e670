import { bench, describe } from 'vitest'

function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }

describe('fib', () => {
  bench('fib(10)', () => { fib(10) })
  bench('fib(15)', () => { fib(15) })
})

describe('array', () => {
  bench('sort 1000', () => { Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000).sort((a, b) => a - b) })
})
