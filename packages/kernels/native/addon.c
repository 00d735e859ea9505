/*
 * Node-API wrapper of kernels.c for x86-64 (AVX2 or AVX-512 builds, see
 * scripts/build-native.mjs). The driver (src/engines.ts) allocates one memory region here,
 * lays it out exactly as in the WebAssembly build, and calls the same entry points, from the main
 * thread and from one worker thread (which loads this addon itself). Every entry point checks its
 * arguments and the context it is given (kernel.h, "Boundary checks") and returns a negative
 * error code instead of touching memory outside the region.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.c"

#define CHECK(call)                                                                               \
  do {                                                                                            \
    if ((call) != napi_ok) {                                                                      \
      napi_throw_error(env, NULL, "fused-step addon: " #call " failed");                          \
      return NULL;                                                                                \
    }                                                                                             \
  } while (0)

/*
 * Live regions. The entry points take a region's address (a BigInt, so that the worker thread,
 * which loads this addon itself, can name the main thread's region) and look it up here: an
 * address that is not a live region of this addon is refused, and the region's size bounds every
 * check of the entry points (entry.c). One list per process (workers share the loaded library).
 */
typedef struct Region {
  char *base;
  void *block; /* what region_alloc allocated (base, or a little before it) */
  size_t bytes;
  struct Region *next;
} Region;

static Region *regions = NULL;

/*
 * Region memory, zeroed and 64-byte aligned. calloc: glibc hands large blocks out as fresh mapped
 * pages without clearing them (they are zero), so a large region costs nothing until the trainer
 * writes it, while small ones come from the heap as before (a lazily mapped region measured ~15%
 * slower per step, for its 4 KiB pages); the block is over-allocated by 64 bytes to align it.
 * Under AddressSanitizer (the test-only build, scripts/build-sanitize.mjs) an exact aligned_alloc,
 * so that ASan's redzone starts right at the region's end and flags any access past it.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REGION_EXACT 1
#endif
#endif
#ifdef REGION_EXACT
static void *region_alloc(size_t n, void **block) {
  void *p = aligned_alloc(64, n);
  if (p != NULL) memset(p, 0, n);
  *block = p;
  return p;
}
#else
static void *region_alloc(size_t n, void **block) {
  char *p = calloc(n + 64, 1);
  *block = p;
  return p == NULL ? NULL : p + (64 - (uintptr_t)p % 64) % 64;
}
#endif
static pthread_mutex_t regions_lock = PTHREAD_MUTEX_INITIALIZER;

/* Largest region: 4 GiB - 64 KiB, as src/engines.ts's MAX_REGION_BYTES; every offset into it
 * fits the kernel's unsigned 32-bit offset fields. */
#define MAX_REGION_BYTES (4294967296.0 - 65536.0)

static size_t region_bytes(uint64_t address) {
  size_t bytes = 0;
  pthread_mutex_lock(&regions_lock);
  for (Region *r = regions; r != NULL; r = r->next) {
    if ((uint64_t)(uintptr_t)r->base == address) {
      bytes = r->bytes;
      break;
    }
  }
  pthread_mutex_unlock(&regions_lock);
  return bytes;
}

static void free_region(napi_env env, void *data, void *hint) {
  (void)env;
  Region *entry = hint;
  pthread_mutex_lock(&regions_lock);
  for (Region **r = &regions; *r != NULL; r = &(*r)->next) {
    if (*r == entry) {
      *r = entry->next;
      break;
    }
  }
  pthread_mutex_unlock(&regions_lock);
  (void)data;
  free(entry->block);
  free(entry);
}

/* alloc(bytes): a zeroed, 64-byte aligned region as an ArrayBuffer (freed when collected). Its
 * size is registered before JavaScript sees it, so every entry point can check against it. */
static napi_value Alloc(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double bytes = 0;
  if (argc < 1 || napi_get_value_double(env, argv[0], &bytes) != napi_ok ||
      !(bytes >= 1 && bytes <= MAX_REGION_BYTES) || bytes != (double)(uint64_t)bytes) {
    napi_throw_range_error(env, "KERNEL_BAD_ARGUMENT",
                           "fused-step addon: alloc size must be an integer in 1..4 GiB - 64 KiB");
    return NULL;
  }
  size_t n = ((size_t)bytes + 63) / 64 * 64;
  void *block = NULL;
  void *p = region_alloc(n, &block);
  Region *entry = malloc(sizeof(Region));
  if (p == NULL || entry == NULL) {
    free(block);
    free(entry);
    napi_throw_error(env, NULL, "fused-step addon: out of memory");
    return NULL;
  }
  entry->base = p;
  entry->block = block;
  entry->bytes = n;
  napi_value ab;
  if (napi_create_external_arraybuffer(env, p, n, free_region, entry, &ab) != napi_ok) {
    free(block);
    free(entry);
    napi_throw_error(env, NULL, "fused-step addon: napi_create_external_arraybuffer failed");
    return NULL;
  }
  pthread_mutex_lock(&regions_lock);
  entry->next = regions;
  regions = entry;
  pthread_mutex_unlock(&regions_lock);
  return ab;
}

/* address(arrayBuffer): its data pointer as a BigInt, for the worker thread. */
static napi_value Address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *data = NULL;
  size_t len = 0;
  if (argc < 1 || napi_get_arraybuffer_info(env, argv[0], &data, &len) != napi_ok) {
    napi_throw_type_error(env, "KERNEL_BAD_ARGUMENT", "fused-step addon: expected an ArrayBuffer");
    return NULL;
  }
  napi_value out;
  CHECK(napi_create_bigint_uint64(env, (uint64_t)(uintptr_t)data, &out));
  return out;
}

/* An integer argument in [lo, hi] (a JavaScript number with no fractional part). */
static bool int_arg(napi_env env, napi_value v, double lo, double hi, int64_t *out) {
  double x = 0;
  if (napi_get_value_double(env, v, &x) != napi_ok || !(x >= lo && x <= hi) ||
      x != (double)(int64_t)x) {
    return false;
  }
  *out = (int64_t)x;
  return true;
}

/*
 * The common arguments (address, ctxOffset, ...ints): the region's start and size, the context
 * offset (uint32) and nInts int32 arguments. Returns K_BAD_ARGUMENT or K_BAD_REGION (kernel codes,
 * returned to JavaScript as is) or 0.
 */
static int ctx_args(napi_env env, napi_callback_info info, uintptr_t *origin, uint64_t *size,
                    uint32_t *ctx, int32_t *ints, size_t nInts) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 + nInts) {
    return K_BAD_ARGUMENT;
  }
  uint64_t address = 0;
  bool lossless = false;
  int64_t offset = 0;
  if (napi_get_value_bigint_uint64(env, argv[0], &address, &lossless) != napi_ok || !lossless ||
      !int_arg(env, argv[1], 0, 4294967295.0, &offset)) {
    return K_BAD_ARGUMENT;
  }
  for (size_t i = 0; i < nInts; i++) {
    int64_t v = 0;
    if (!int_arg(env, argv[2 + i], -2147483648.0, 2147483647.0, &v)) return K_BAD_ARGUMENT;
    ints[i] = (int32_t)v;
  }
  const size_t bytes = region_bytes(address);
  if (bytes == 0) return K_BAD_REGION;
  *origin = (uintptr_t)address;
  *size = bytes;
  *ctx = (uint32_t)offset;
  return 0;
}

static napi_value int_value(napi_env env, int32_t v) {
  napi_value out;
  CHECK(napi_create_int32(env, v, &out));
  return out;
}

/* Each entry point returns the kernel's result: >= 0, or a negative error code. */
#define ENTRY(Name, nInts, call)                                                                 \
  static napi_value Name(napi_env env, napi_callback_info info) {                                 \
    uintptr_t origin = 0;                                                                         \
    uint64_t size = 0;                                                                            \
    uint32_t ctx = 0;                                                                             \
    int32_t a[2] = {0, 0};                                                                        \
    const int err = ctx_args(env, info, &origin, &size, &ctx, a, nInts);                          \
    return int_value(env, err ? err : (call));                                                    \
  }

ENTRY(TransposeW2, 0, k_transpose_w2(origin, 0, size, ctx))
ENTRY(WorkChunks, 1, k_work_chunks(origin, 0, size, ctx, a[0]))
ENTRY(ReduceAdam, 2, k_reduce_adam(origin, 0, size, ctx, a[0], a[1]))
ENTRY(RngSeed, 1, k_rng_seed(origin, 0, size, ctx, (uint32_t)a[0]))
ENTRY(Permute, 0, k_permute(origin, 0, size, ctx))
ENTRY(F64Product, 0, k_f64_product(origin, 0, size, ctx))

static napi_value KernelBlock(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t which = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || !int_arg(env, argv[0], 0, 2, &which)) return int_value(env, K_BAD_ARGUMENT);
  return int_value(env, kernel_block((int)which));
}

/* pixelLayout(which, kind, dp, hp, L, lp, cr): see pixel_layout in entry.c. */
static napi_value PixelLayout(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  int64_t a[7] = {0};
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 7) return int_value(env, K_BAD_ARGUMENT);
  for (int i = 0; i < 7; i++) {
    if (!int_arg(env, argv[i], -2147483648.0, 2147483647.0, &a[i])) {
      return int_value(env, K_BAD_ARGUMENT);
    }
  }
  return int_value(env, pixel_layout((int)a[0], (int)a[1], (int)a[2], (int)a[3], (int)a[4],
                                     (int)a[5], (int)a[6]));
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
