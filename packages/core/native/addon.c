/*
 * Node-API wrapper of fused-step.c for x86-64 (AVX2 or AVX-512 builds, see
 * scripts/build-native.mjs). The driver (src/fast/engines.ts) allocates one memory region here,
 * lays it out exactly as in the WebAssembly build, and calls the same three entry points, from the
 * main thread and from one worker thread (which loads this addon itself).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

#include "fused-step.c"

#define CHECK(call)                                                                               \
  do {                                                                                            \
    if ((call) != napi_ok) {                                                                      \
      napi_throw_error(env, NULL, "fused-step addon: " #call " failed");                          \
      return NULL;                                                                                \
    }                                                                                             \
  } while (0)

static void free_region(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

/* alloc(bytes): a zeroed, 64-byte aligned region as an ArrayBuffer (freed when collected). */
static napi_value Alloc(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double bytes = 0;
  CHECK(napi_get_value_double(env, argv[0], &bytes));
  if (!(bytes > 0 && bytes < 4294967296.0)) {
    napi_throw_range_error(env, NULL, "fused-step addon: alloc size out of range");
    return NULL;
  }
  size_t n = ((size_t)bytes + 63) / 64 * 64;
  void *p = aligned_alloc(64, n);
  if (p == NULL) {
    napi_throw_error(env, NULL, "fused-step addon: out of memory");
    return NULL;
  }
  memset(p, 0, n);
  napi_value ab;
  CHECK(napi_create_external_arraybuffer(env, p, n, free_region, NULL, &ab));
  return ab;
}

/* address(arrayBuffer): its data pointer as a BigInt, for the worker thread. */
static napi_value Address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *data = NULL;
  size_t len = 0;
  CHECK(napi_get_arraybuffer_info(env, argv[0], &data, &len));
  napi_value out;
  CHECK(napi_create_bigint_uint64(env, (uint64_t)(uintptr_t)data, &out));
  return out;
}

/* Reads (address, ctxOffset, ...ints) arguments. */
static Ctx *ctx_args(napi_env env, napi_callback_info info, int32_t *ints, size_t nInts) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 + nInts) {
    napi_throw_type_error(env, NULL, "fused-step addon: expected (address, ctx, ...)");
    return NULL;
  }
  uint64_t address = 0;
  bool lossless = false;
  int32_t offset = 0;
  if (napi_get_value_bigint_uint64(env, argv[0], &address, &lossless) != napi_ok ||
      napi_get_value_int32(env, argv[1], &offset) != napi_ok) {
    napi_throw_type_error(env, NULL, "fused-step addon: bad address or ctx offset");
    return NULL;
  }
  for (size_t i = 0; i < nInts; i++) {
    if (napi_get_value_int32(env, argv[2 + i], &ints[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "fused-step addon: expected an integer");
      return NULL;
    }
  }
  return (Ctx *)((char *)(uintptr_t)address + offset);
}

static napi_value TransposeW2(napi_env env, napi_callback_info info) {
  Ctx *c = ctx_args(env, info, NULL, 0);
  if (c != NULL) transpose_w2(c);
  return NULL;
}

static napi_value WorkChunks(napi_env env, napi_callback_info info) {
  int32_t tid = 0;
  Ctx *c = ctx_args(env, info, &tid, 1);
  if (c == NULL) return NULL;
  napi_value out;
  CHECK(napi_create_int32(env, work_chunks(c, tid), &out));
  return out;
}

static napi_value ReduceAdam(napi_env env, napi_callback_info info) {
  int32_t ints[2] = {0, 1};
  Ctx *c = ctx_args(env, info, ints, 2);
  if (c != NULL) reduce_adam(c, ints[0], ints[1]);
  return NULL;
}

static napi_value RngSeed(napi_env env, napi_callback_info info) {
  int32_t seed = 0;
  Ctx *c = ctx_args(env, info, &seed, 1);
  if (c != NULL) rng_seed(c, (uint32_t)seed);
  return NULL;
}

static napi_value Permute(napi_env env, napi_callback_info info) {
  Ctx *c = ctx_args(env, info, NULL, 0);
  if (c != NULL) permute(c);
  return NULL;
}

/* f64Product(address, ctx64Offset) */
static napi_value F64Product(napi_env env, napi_callback_info info) {
  Ctx *c = ctx_args(env, info, NULL, 0);
  if (c != NULL) f64_product((Ctx64 *)c);
  return NULL;
}

static napi_value KernelBlock(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t which = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_int32(env, argv[0], &which));
  napi_value out;
  CHECK(napi_create_int32(env, kernel_block(which), &out));
  return out;
}

/* pixelLayout(which, kind, dp, hp, L, lp, cr): see pixel_layout in fused-step.c. */
static napi_value PixelLayout(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  int32_t a[7] = {0};
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 7) {
    napi_throw_type_error(env, NULL, "fused-step addon: pixelLayout expects 7 integers");
    return NULL;
  }
  for (int i = 0; i < 7; i++) CHECK(napi_get_value_int32(env, argv[i], &a[i]));
  napi_value out;
  CHECK(napi_create_int32(env, pixel_layout(a[0], a[1], a[2], a[3], a[4], a[5], a[6]), &out));
  return out;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"alloc", NULL, Alloc, NULL, NULL, NULL, napi_default, NULL},
      {"address", NULL, Address, NULL, NULL, NULL, napi_default, NULL},
      {"transposeW2", NULL, TransposeW2, NULL, NULL, NULL, napi_default, NULL},
      {"workChunks", NULL, WorkChunks, NULL, NULL, NULL, napi_default, NULL},
      {"reduceAdam", NULL, ReduceAdam, NULL, NULL, NULL, napi_default, NULL},
      {"kernelBlock", NULL, KernelBlock, NULL, NULL, NULL, napi_default, NULL},
      {"rngSeed", NULL, RngSeed, NULL, NULL, NULL, napi_default, NULL},
      {"permute", NULL, Permute, NULL, NULL, NULL, napi_default, NULL},
      {"f64Product", NULL, F64Product, NULL, NULL, NULL, napi_default, NULL},
      {"pixelLayout", NULL, PixelLayout, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) {
    return NULL;
  }
  return exports;
}
