/*
 * The fused kernels as one translation unit: this file only includes the others, at its top.
 * One unit because every helper is static and the hot passes are inlined across files (linalg.c's
 * MLP passes into both models' chunk functions) without link-time optimisation, and because the
 * WebAssembly build must not touch the shadow stack, which inlining is what avoids; it also keeps
 * each build one compiler call (scripts/build-native.mjs, build-wasm.mjs, build-sanitize.mjs).
 * kernel.h declares what the files share; boundary.h (generated) is the layout the drivers write.
 */
#include "kernel.h"

#include "linalg.c"
#include "fused-mlp.c"
#include "fused-pixel.c"
#include "entry.c"
