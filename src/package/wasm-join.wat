;; Puts the SDK's wasm back together from the text it is embedded as (docs/design.md section 7;
;; scripts/lib/wasm-streams.mjs takes it apart, and the build checks that this gives back the very
;; same bytes). A wasm of its own, not JavaScript: it reads 48 KB a byte at a time, which JavaScript
;; on a page that has just loaded does in several milliseconds of main thread.
;;
;; The input, at `i` (exported), is the text the page embeds (src/package/wasm-bytes.js), a byte a
;; character: each byte of the wasm's is a code, one character or `}` or `~` and a character, and
;; the table the caller writes before `i` gives the byte of each. Those bytes are a header of the
;; first six streams' lengths, then the streams:
;;   0 the module with all below taken out (opcodes, calls, other constants, other sections, locals)
;;   1 local.get indices   2 local.set and local.tee indices   3 memory offsets
;;   4 branch labels       5 block types                       6 i32.const values
;; Left out altogether: function and section sizes (they follow from the code) and a load's or
;; store's alignment where it is the natural one (else 0xf0 stands before its opcode in stream 0,
;; and the alignment after it). `j(length)` writes the wasm after the input and returns its end.
;; The caller grows the memory to hold both.
(module
  (memory (export "m") 1)
  ;; What follows each opcode (at the opcode), and each 0xfc instruction (at 256 + its number):
  ;; bits 0-2 the stream that holds it (7: bytes of stream 0, four per count), bits 3-4 how many
  ;; numbers (3: a 0xfc instruction's number, then what this table says of it), bit 5 a block
  ;; opens, bit 6 a label table (the first number counts the rest, less one). 0x80 + the natural
  ;; alignment (log2) for a load or store, whose offset follows. 0x0b (end) is handled before.
  (data (i32.const 0)
    "\00\00\2d\2d\2d\00\00\00\00\00\00\00\0c\0c\4c\00"
    "\08\10\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\09\0a\0a\08\08\00\00\00\82\83\82\83\80\80\81\81"
    "\80\80\81\81\82\82\82\83\82\83\80\81\80\81\82\08"
    "\08\0e\08\0f\17\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\18\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\10\08")
  ;; The seven streams' read positions, at 272 + 4 × stream; the byte of each code at 384 + the
  ;; code (the caller writes them); the input from 768.
  (global (export "i") i32 (i32.const 768))
  ;; Where the output is written.
  (global $q (mut i32) (i32.const 0))

  ;; Copies `count` bytes of stream 0 to the output (byte by byte: a few at a time, mostly).
  (func $bytes (param $count i32)
    (local $p i32)
    (local.set $p (i32.load (i32.const 272)))
    (loop $more (if (local.get $count) (then
      (i32.store8 (global.get $q) (i32.load8_u (local.get $p)))
      (global.set $q (i32.add (global.get $q) (i32.const 1)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br $more))))
    (i32.store (i32.const 272) (local.get $p)))

  ;; Copies a LEB128 number from the stream whose read position is at `at`; returns its value.
  (func $copy (param $at i32) (result i32)
    (local $p i32) (local $x i32) (local $n i32) (local $shift i32)
    (local.set $p (i32.load (local.get $at)))
    (loop $more
      (i32.store8 (global.get $q) (local.tee $x (i32.load8_u (local.get $p))))
      (global.set $q (i32.add (global.get $q) (i32.const 1)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $n (i32.or (local.get $n) (i32.shl (i32.and (local.get $x) (i32.const 127)) (local.get $shift))))
      (local.set $shift (i32.add (local.get $shift) (i32.const 7)))
      (br_if $more (i32.and (local.get $x) (i32.const 128))))
    (i32.store (local.get $at) (local.get $p))
    (local.get $n))

  ;; Output from `start` on was written 5 bytes after it: writes its size there as LEB128 and moves
  ;; it back to follow.
  (func $sized (param $start i32)
    (local $size i32) (local $p i32)
    (local.set $size (i32.sub (i32.sub (global.get $q) (local.get $start)) (i32.const 5)))
    (local.set $p (local.get $start))
    (loop $more
      (i32.store8 (local.get $p) (i32.or (i32.and (local.get $size) (i32.const 127))
        (select (i32.const 128) (i32.const 0) (i32.gt_u (local.get $size) (i32.const 127)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $more (local.tee $size (i32.shr_u (local.get $size) (i32.const 7)))))
    (memory.copy (local.get $p) (i32.add (local.get $start) (i32.const 5))
      (i32.sub (i32.sub (global.get $q) (local.get $start)) (i32.const 5)))
    (global.set $q (i32.sub (global.get $q) (i32.sub (i32.add (local.get $start) (i32.const 5)) (local.get $p)))))

  ;; Reserves room for a size.
  (func $room (result i32)
    (global.get $q)
    (global.set $q (i32.add (global.get $q) (i32.const 5))))

  (func (export "j") (param $length i32) (result i32)
    (local $at i32) (local $end i32) (local $x i32) (local $kind i32) (local $depth i32)
    (local $f i32) (local $n i32) (local $value i32) (local $section i32) (local $function i32)
    ;; The characters, in place: each code (a character, or `}` or `~` and a character) becomes
    ;; the byte the table gives it.
    (local.set $at (i32.const 768))
    (local.set $n (i32.const 768))
    (local.set $end (i32.add (i32.const 768) (local.get $length)))
    (loop $characters (if (i32.lt_u (local.get $at) (local.get $end)) (then
      (local.set $x (i32.load8_u (local.get $at)))
      (local.set $at (i32.add (local.get $at) (i32.const 1)))
      (if (i32.gt_u (local.get $x) (i32.const 124)) (then
        (local.set $x (i32.add (i32.shl (i32.sub (local.get $x) (i32.const 124)) (i32.const 7))
          (i32.load8_u (local.get $at))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))))
      (i32.store8 (local.get $n) (i32.load8_u offset=384 (local.get $x)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $characters))))
    (global.set $q (local.get $end))
    (i32.store (i32.const 272) (i32.const 768))
    ;; The header: each stream starts where the one before it ends.
    (local.set $at (i32.const 276))
    (loop $header
      (i32.store (local.get $at) (call $copy (i32.const 272)))
      (br_if $header (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 4))) (i32.const 300))))
    (local.set $at (i32.const 276))
    (loop $starts
      (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.load (i32.sub (local.get $at) (i32.const 4)))))
      (br_if $starts (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 4))) (i32.const 300))))
    (local.set $end (i32.load (i32.const 276)))
    ;; The wasm goes after the characters (the header's numbers were written there on the way).
    (global.set $q (i32.add (i32.const 768) (local.get $length)))
    (call $bytes (i32.const 8))
    (loop $sections
      (call $bytes (i32.const 1))
      (if (i32.ne (i32.load8_u (i32.sub (global.get $q) (i32.const 1))) (i32.const 10))
        (then (call $bytes (call $copy (i32.const 272))))
        (else
          (local.set $section (call $room))
          (local.set $f (call $copy (i32.const 272)))
          (loop $functions (if (local.get $f) (then
            (local.set $f (i32.sub (local.get $f) (i32.const 1)))
            (local.set $function (call $room))
            (local.set $n (call $copy (i32.const 272)))
            (loop $locals (if (local.get $n) (then
              (drop (call $copy (i32.const 272)))
              (call $bytes (i32.const 1))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br $locals))))
            (local.set $depth (i32.const 0))
            (block $body (loop $code
              ;; The opcode, copied (as $bytes would, inline: this runs for every instruction).
              (local.set $at (i32.load (i32.const 272)))
              (i32.store8 (global.get $q) (local.tee $x (i32.load8_u (local.get $at))))
              (global.set $q (i32.add (global.get $q) (i32.const 1)))
              (i32.store (i32.const 272) (i32.add (local.get $at) (i32.const 1)))
              (if (i32.eq (local.get $x) (i32.const 11)) (then
                (br_if $body (i32.eqz (local.get $depth)))
                (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
                (br $code)))
              (local.set $kind (i32.load8_u (local.get $x)))
              (if (i32.eq (local.get $x) (i32.const 0xf0)) (then
                ;; A load or store with its alignment written out: the 0xf0 goes, the opcode and
                ;; the alignment are copied, its offset follows.
                (global.set $q (i32.sub (global.get $q) (i32.const 1)))
                (call $bytes (i32.const 2))
                (local.set $kind (i32.const 11))))
              (if (i32.and (local.get $kind) (i32.const 128)) (then
                (i32.store8 (global.get $q) (i32.and (local.get $kind) (i32.const 3)))
                (global.set $q (i32.add (global.get $q) (i32.const 1)))
                (local.set $kind (i32.const 11))))
              (if (i32.eq (i32.and (local.get $kind) (i32.const 24)) (i32.const 24)) (then
                (local.set $kind (i32.load8_u offset=256 (call $copy (i32.const 272))))))
              (local.set $depth (i32.add (local.get $depth) (i32.shr_u (i32.and (local.get $kind) (i32.const 32)) (i32.const 5))))
              (local.set $n (i32.and (i32.shr_u (local.get $kind) (i32.const 3)) (i32.const 3)))
              (if (i32.eq (i32.and (local.get $kind) (i32.const 7)) (i32.const 7)) (then
                (call $bytes (i32.shl (local.get $n) (i32.const 2)))
                (br $code)))
              (loop $numbers (if (local.get $n) (then
                (local.set $value (call $copy (i32.add (i32.const 272) (i32.shl (i32.and (local.get $kind) (i32.const 7)) (i32.const 2)))))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (if (i32.and (local.get $kind) (i32.const 64)) (then
                  (local.set $n (i32.add (local.get $value) (i32.const 1)))
                  (local.set $kind (i32.xor (local.get $kind) (i32.const 64)))))
                (br $numbers))))
              (br $code)))
            (call $sized (local.get $function))
            (br $functions))))
          (call $sized (local.get $section))))
      (br_if $sections (i32.lt_u (i32.load (i32.const 272)) (local.get $end))))
    (global.get $q)))
