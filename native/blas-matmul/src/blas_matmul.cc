// Single-precision matrix products through OpenBLAS, as a Node-API add-on (one binary for Node and
// Electron). It exists because TF.js's wasm backend reaches ~2 GFLOP/s on the learner's dense layers
// while OpenBLAS's sgemm reaches tens of GFLOP/s per core on the same machine; main/learn/blas-matmul.ts
// calls it on the wasm heap itself, so no tensor is copied in or out.
//
// The operands are Float32Arrays with element offsets, so a caller can pass one view of a whole heap.
// Every shape, offset and stride is checked against the arrays' lengths before BLAS sees a pointer:
// a wrong argument throws a JS error and nothing is written. The module keeps no state of its own
// (OpenBLAS's thread count is process-wide), so it loads in worker threads.
#define NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <string>

// The few OpenBLAS entry points used, declared here rather than through cblas.h, whose install path
// differs between distributions. The CBLAS enums are passed as ints (their ABI); blasint is int in
// OpenBLAS's default (LP64) builds, which are the ones distributions ship as libopenblas.
extern "C" {
void cblas_sgemm(int order, int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                 int lda, const float *b, int ldb, float beta, float *c, int ldc);
void openblas_set_num_threads(int threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
char *openblas_get_config(void);
}

namespace {

constexpr int kRowMajor = 101;
constexpr int kNoTrans = 111;
constexpr int kTrans = 112;
constexpr int32_t kIntMax = 0x7fffffff;

enum Activation : int32_t { kLinear = 0, kRelu = 1 };

[[noreturn]] void ThrowType(const Napi::Env &env, const std::string &message) {
  throw Napi::TypeError::New(env, "sgemm: " + message);
}

[[noreturn]] void ThrowRange(const Napi::Env &env, const std::string &message) {
  throw Napi::RangeError::New(env, "sgemm: " + message);
}

bool BoolArg(const Napi::CallbackInfo &info, size_t index, const char *name) {
  if (info.Length() <= index || !info[index].IsBoolean()) ThrowType(info.Env(), std::string(name) + " must be a boolean");
  return info[index].As<Napi::Boolean>().Value();
}

/** A non-negative integer that fits BLAS's int. */
int64_t CountArg(const Napi::CallbackInfo &info, size_t index, const char *name) {
  if (info.Length() <= index || !info[index].IsNumber()) ThrowType(info.Env(), std::string(name) + " must be a number");
  double value = info[index].As<Napi::Number>().DoubleValue();
  if (!(value >= 0 && value <= kIntMax) || value != static_cast<double>(static_cast<int64_t>(value))) {
    ThrowRange(info.Env(), std::string(name) + " must be an integer in [0, 2^31 - 1], got " +
                               info[index].ToString().Utf8Value());
  }
  return static_cast<int64_t>(value);
}

struct Operand {
  float *data;
  int64_t length;
};

Operand FloatArrayArg(const Napi::CallbackInfo &info, size_t index, const char *name) {
  if (info.Length() <= index || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    ThrowType(info.Env(), std::string(name) + " must be a Float32Array");
  }
  Napi::Float32Array array = info[index].As<Napi::Float32Array>();
  return {array.Data(), static_cast<int64_t>(array.ElementLength())};
}

/**
 * The elements [first, end) of `array` that `batch` matrices of `size` elements, `stride` apart from
 * `offset`, occupy; throws when they do not fit. Sizes are below 2^31 each, so the sums fit int64.
 */
struct Span {
  const float *first;
  const float *end;
};

Span CheckSpan(const Napi::Env &env, const char *name, const Operand &array, int64_t offset, int64_t stride,
               int64_t batch, int64_t size) {
  if (batch == 0 || size == 0) return {array.data, array.data};
  int64_t needed = offset + (batch - 1) * stride + size;
  if (needed > array.length) {
    ThrowRange(env, std::string(name) + " needs " + std::to_string(needed) + " elements (offset " +
                        std::to_string(offset) + ", stride " + std::to_string(stride) + ", batch " +
                        std::to_string(batch) + ", " + std::to_string(size) + " per matrix) but has " +
                        std::to_string(array.length));
  }
  return {array.data + offset, array.data + needed};
}

bool Overlap(const Span &x, const Span &y) { return x.first < y.end && y.first < x.end; }

/**
 * sgemm(transposeA, transposeB, m, n, k, batch,
 *       a, aOffset, aStride, b, bOffset, bStride, c, cOffset, cStride,
 *       bias | null, biasOffset, activation)
 *
 * For i < batch: C_i = act(op(A_i) · op(B_i) + bias), row-major, where A_i starts at a[aOffset + i·aStride]
 * and is m×k (k×m when transposeA), B_i starts at b[bOffset + i·bStride] and is k×n (n×k when
 * transposeB), C_i (m×n) at c[cOffset + i·cStride], bias (n) at bias[biasOffset] adds to every row,
 * activation 0 is linear and 1 is relu. A stride of 0 reuses one matrix for every batch (broadcast);
 * cStride must keep the outputs apart, and C may not overlap A, B or the bias.
 */
Napi::Value Sgemm(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() != 18) ThrowType(env, "expected 18 arguments, got " + std::to_string(info.Length()));
  bool trans_a = BoolArg(info, 0, "transposeA");
  bool trans_b = BoolArg(info, 1, "transposeB");
  int64_t m = CountArg(info, 2, "m");
  int64_t n = CountArg(info, 3, "n");
  int64_t k = CountArg(info, 4, "k");
  int64_t batch = CountArg(info, 5, "batch");
  Operand a = FloatArrayArg(info, 6, "a");
  int64_t a_offset = CountArg(info, 7, "aOffset");
  int64_t a_stride = CountArg(info, 8, "aStride");
  Operand b = FloatArrayArg(info, 9, "b");
  int64_t b_offset = CountArg(info, 10, "bOffset");
  int64_t b_stride = CountArg(info, 11, "bStride");
  Operand c = FloatArrayArg(info, 12, "c");
  int64_t c_offset = CountArg(info, 13, "cOffset");
  int64_t c_stride = CountArg(info, 14, "cStride");
  bool has_bias = !info[15].IsNull() && !info[15].IsUndefined();
  Operand bias = has_bias ? FloatArrayArg(info, 15, "bias") : Operand{nullptr, 0};
  int64_t bias_offset = CountArg(info, 16, "biasOffset");
  int64_t activation = CountArg(info, 17, "activation");
  if (activation != kLinear && activation != kRelu) {
    ThrowRange(env, "activation must be 0 (linear) or 1 (relu), got " + std::to_string(activation));
  }
  if (m * n > kIntMax || m * k > kIntMax || k * n > kIntMax) {
    ThrowRange(env, "a matrix of more than 2^31 - 1 elements");
  }
  if (batch > 1 && c_stride < m * n) {
    ThrowRange(env, "cStride " + std::to_string(c_stride) + " is less than m·n = " + std::to_string(m * n) +
                        ": the outputs would overlap");
  }
  Span a_span = CheckSpan(env, "a", a, a_offset, a_stride, batch, m * k);
  Span b_span = CheckSpan(env, "b", b, b_offset, b_stride, batch, k * n);
  Span c_span = CheckSpan(env, "c", c, c_offset, c_stride, batch, m * n);
  Span bias_span = has_bias ? CheckSpan(env, "bias", bias, bias_offset, 0, 1, n) : Span{nullptr, nullptr};
  if (Overlap(c_span, a_span)) ThrowRange(env, "the output c overlaps operand a");
  if (Overlap(c_span, b_span)) ThrowRange(env, "the output c overlaps operand b");
  if (has_bias && Overlap(c_span, bias_span)) ThrowRange(env, "the output c overlaps the bias");
  if (batch == 0 || m == 0 || n == 0) return env.Undefined();

  const int lda = static_cast<int>(std::max<int64_t>(1, trans_a ? m : k));
  const int ldb = static_cast<int>(std::max<int64_t>(1, trans_b ? k : n));
  for (int64_t i = 0; i < batch; i++) {
    const float *a_i = a.data + a_offset + i * a_stride;
    const float *b_i = b.data + b_offset + i * b_stride;
    float *c_i = c.data + c_offset + i * c_stride;
    // The bias is the product's starting value (beta = 1), which saves a pass over C.
    if (has_bias) {
      for (int64_t row = 0; row < m; row++) std::copy(bias_span.first, bias_span.first + n, c_i + row * n);
    }
    if (k > 0) {
      cblas_sgemm(kRowMajor, trans_a ? kTrans : kNoTrans, trans_b ? kTrans : kNoTrans, static_cast<int>(m),
                  static_cast<int>(n), static_cast<int>(k), 1.0f, a_i, lda, b_i, ldb, has_bias ? 1.0f : 0.0f, c_i,
                  static_cast<int>(n));
    } else if (!has_bias) {
      std::fill(c_i, c_i + m * n, 0.0f);
    }
    // Written so that a NaN stays NaN, as TF.js's relu keeps it: a diverging loss must stay visible.
    if (activation == kRelu) {
      for (float *x = c_i; x < c_i + m * n; x++) *x = *x < 0.0f ? 0.0f : *x;
    }
  }
  return env.Undefined();
}

Napi::Value SetThreads(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "setThreads: expected a number");
  double threads = info[0].As<Napi::Number>().DoubleValue();
  if (!(threads >= 1 && threads <= 1024) || threads != static_cast<double>(static_cast<int>(threads))) {
    throw Napi::RangeError::New(env, "setThreads: the thread count must be an integer in [1, 1024]");
  }
  openblas_set_num_threads(static_cast<int>(threads));
  return env.Undefined();
}

/** Which OpenBLAS this is: its kernel family for this CPU, its build configuration, its thread count. */
Napi::Value Info(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("corename", Napi::String::New(env, openblas_get_corename()));
  out.Set("config", Napi::String::New(env, openblas_get_config()));
  out.Set("threads", Napi::Number::New(env, openblas_get_num_threads()));
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New(env, Sgemm, "sgemm"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  return exports;
}

}  // namespace

NODE_API_MODULE(blas_matmul, Init)
