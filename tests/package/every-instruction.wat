;; Every kind of instruction that the wasm's streams (scripts/lib/wasm-streams.mjs) and the joiner
;; (src/package/wasm-join.wat) know, for tests/package/wasm-streams.test.mjs: what follows each
;; opcode goes to its own stream and must come back in place.
(module
  (type $pair (func (param i32) (result i32 i32)))
  (type $unary (func (param i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (memory 1 2)
  (table 2 funcref)
  (elem (i32.const 0) $inc $twice)
  (global $counter (mut i32) (i32.const 7))
  (global $wide (mut i64) (i64.const -1234567890123))
  (data (i32.const 16) "a data segment\00\ff")

  (func $inc (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 1)))

  (func $twice (param $x i32) (result i32)
    (local $y i32) (local $z i64) (local $f f32) (local $g f64)
    (local.set $y (local.tee $x (i32.mul (local.get $x) (i32.const 2))))
    (local.set $z (i64.extend_i32_u (local.get $y)))
    (local.set $f (f32.const 1.5))
    (local.set $g (f64.const -2.25e300))
    (i32.add (local.get $x) (i32.wrap_i64 (local.get $z))))

  (func $pair (type $pair) (param $x i32) (result i32 i32)
    (local.get $x) (i32.const -1))

  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i64)
    ;; Loads and stores at their natural alignment, below it, with offsets small and large.
    (i32.store offset=64 (i32.const 0) (i32.load offset=16 (i32.const 0)))
    (i32.store offset=70 align=1 (i32.const 0) (i32.load align=2 (i32.const 17)))
    (i64.store offset=100000 (i32.const 0) (i64.load offset=8 align=4 (i32.const 16)))
    (i64.store32 (i32.const 80) (i64.load32_u (i32.const 16)))
    (i64.store16 align=1 (i32.const 84) (i64.load16_s (i32.const 16)))
    (i64.store8 (i32.const 86) (i64.load8_u (i32.const 16)))
    (i32.store16 (i32.const 88) (i32.load16_u align=1 (i32.const 17)))
    (i32.store8 (i32.const 90) (i32.load8_s (i32.const 30)))
    (f32.store (i32.const 92) (f32.load (i32.const 16)))
    (f64.store align=1 (i32.const 96) (f64.load (i32.const 16)))
    (drop (i64.load8_s (i32.const 1)))
    (drop (i64.load16_u (i32.const 1)))
    (drop (i64.load32_s (i32.const 1)))
    (drop (i32.load8_u (i32.const 1)))
    (drop (i32.load16_s (i32.const 1)))
    ;; Bulk memory, the memory's size and growth, saturating conversions, sign extension.
    (memory.copy (i32.const 200) (i32.const 16) (i32.const 16))
    (memory.fill (i32.const 300) (i32.const 255) (i32.const 8))
    (drop (memory.grow (i32.const 0)))
    (drop (memory.size))
    (drop (i32.trunc_sat_f64_s (f64.const 1e20)))
    (drop (i64.trunc_sat_f32_u (f32.const -3)))
    (drop (i32.extend8_s (i32.const 200)))
    ;; Globals, calls (direct and indirect), a block of two results (typed by a type index), select.
    (global.set $counter (i32.add (global.get $counter) (call $inc (local.get $n))))
    (global.set $wide (i64.const 9223372036854775807))
    (drop (call_indirect (type $unary) (i32.const 5) (i32.const 1)))
    (block (result i32 i64) (call $pair (local.get $n)) (drop) (i64.const 5))
    drop
    drop
    (call $log (select (i32.const 1) (i32.const 2) (local.get $n)))
    ;; Nested blocks, a loop, if and else, branches and a branch table, an early return.
    (block $out (result i32)
      (loop $again
        (block $c (block $b (block $a
          (br_table $a $b $c $a $b (i32.rem_u (local.get $i) (i32.const 4))))
          (local.set $acc (i64.add (local.get $acc) (i64.const 1)))
          (br $again))
          (if (result i32) (i32.eqz (local.get $n))
            (then (br $out (i32.const 42)))
            (else (i32.const 0)))
          (drop))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 10)))
        (if (i32.eq (local.get $i) (i32.const 99)) (then (unreachable)))
        (nop))
      (if (local.get $n) (then (return (i32.const -7))))
      (i32.wrap_i64 (local.get $acc)))))
