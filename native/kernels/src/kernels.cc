// Native neuron kernels for machines whose vector units are wider than WebAssembly's 128 bits.
//
// condExpSlice is the euler-f32x4-wasm-simd kernel of iaf_cond_exp (plugins/integrators/wasm/
// iaf_cond_exp_f32x4.ts) over the very same memory: a WebAssembly.Memory's buffer holding the state arrays,
// spike records, row table, splatted constants and the float32 ring. It does the same float32 operations in
// the same order, one vector of 16 lanes where the WebAssembly kernel has four (GCC's vector extensions:
// one AVX-512 register, or two AVX2 / four SSE registers on other machines); compiled with
// -ffp-contract=off, so no multiply-add is fused and the results are bit-identical to the WebAssembly
// kernel's. Everything else (spike order, unpacking, propagation) stays in the WebAssembly/TypeScript code.
#include <napi.h>
#include <cstdint>
#include <cstring>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace {

constexpr int kLanes = 16;
/** Vectors advanced together per step: independent dependency chains for the out-of-order core. */
constexpr int kVectors = 3;

typedef float vf __attribute__((vector_size(4 * kLanes)));
typedef int32_t vi __attribute__((vector_size(4 * kLanes)));

inline vf load(const uint8_t* p) {
  vf v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(uint8_t* p, vf v) { std::memcpy(p, &v, sizeof v); }
/** mask ? a : b, lane by lane (mask lanes are all ones or all zeros). */
inline vf select(vi mask, vf a, vf b) { return (vf)((mask & (vi)a) | (~mask & (vi)b)); }
/** One bit per lane of a mask (lane l -> bit l). */
inline uint32_t laneBits(vi mask) {
#if defined(__AVX512F__)
  return _mm512_cmplt_epi32_mask(reinterpret_cast<__m512i>(mask), _mm512_setzero_si512());
#else
  uint32_t bits = 0;
  for (int l = 0; l < kLanes; l++) bits |= uint32_t(mask[l] & 1) << l;
  return bits;
#endif
}

/** The layout a kernel call needs: byte offsets into the group's memory (see layout() in the TS file). */
struct Layout {
  int end, nSteps, stride, channel, spikeIdx, spikeLag, rowTable, consts;
};

// Constant order of the TS file's CONSTS: E_L, gL, E_ex, E_in, I_e, hOverC, Pex, Pin, scale, theta, Vreset,
// refr, one (each splatted over four float32).
template <bool kCurrent, bool kScaled>
int condExpSlice(uint8_t* m, const Layout& at) {
  const float* c = reinterpret_cast<const float*>(m + at.consts);
  auto splat = [c](int i) {
    vf v;
    for (int l = 0; l < kLanes; l++) v[l] = c[4 * i];
    return v;
  };
  const vf EL = splat(0), gL = splat(1), Eex = splat(2), Ein = splat(3), Ie = splat(4), hC = splat(5);
  const vf Pex = splat(6), Pin = splat(7), scale = splat(8), theta = splat(9), Vreset = splat(10), refr = splat(11), one = splat(12);
  const vf zero = {};
  const int32_t* rows = reinterpret_cast<const int32_t*>(m + at.rowTable);
  int32_t* recordAt = reinterpret_cast<int32_t*>(m + at.spikeIdx);
  int32_t* recordStep = reinterpret_cast<int32_t*>(m + at.spikeLag);
  const int s = at.stride, ch = at.channel;
  constexpr int kBlock = 4 * kLanes * kVectors;
  int count = 0;
  for (int o = 0; o < at.end; o += kBlock) {
    vf V[kVectors], GE[kVectors], GI[kVectors], I0[kVectors], R[kVectors];
#pragma GCC unroll 4
    for (int q = 0; q < kVectors; q++) {
      const uint8_t* p = m + o + 4 * kLanes * q;
      V[q] = load(p);
      GE[q] = load(p + s);
      GI[q] = load(p + 2 * s);
      I0[q] = load(p + 3 * s);
      R[q] = load(p + 4 * s);
      V[q] = select(R[q] > zero, Vreset, V[q]);
    }
    for (int k = 0; k < at.nSteps; k++) {
      uint8_t* row = m + rows[k] + o;
#pragma GCC unroll 4
      for (int q = 0; q < kVectors; q++) {
        uint8_t* r = row + 4 * kLanes * q;
        const vf v = V[q];
        const vf dV = ((EL - v) * gL + (Eex - v) * GE[q] + (Ein - v) * GI[q] + I0[q] + Ie) * hC;
        const vf ex = load(r), in = load(r + ch);
        GE[q] = GE[q] * Pex + (kScaled ? ex * scale : ex);
        GI[q] = GI[q] * Pin - (kScaled ? in * scale : in);
        const vi refractory = R[q] > zero;
        V[q] = v + (vf)((vi)dV & ~refractory);
        R[q] = R[q] - (vf)((vi)one & refractory);
        const vi spike = V[q] >= theta;
        const uint32_t bits = laneBits(spike);
        if (__builtin_expect(bits != 0, 0)) {
          V[q] = select(spike, Vreset, V[q]);
          R[q] = select(spike, refr, R[q]);
          for (int quad = 0; quad < kLanes / 4; quad++) {
            const int lanes = (bits >> (4 * quad)) & 15;
            if (!lanes) continue;
            recordAt[count] = (o + 4 * kLanes * q + 16 * quad) | lanes;
            recordStep[count] = k;
            count++;
          }
        }
        if (kCurrent) {
          I0[q] = load(r + 2 * ch);
          store(r + 2 * ch, zero);
        }
        store(r, zero);
        store(r + ch, zero);
      }
    }
#pragma GCC unroll 4
    for (int q = 0; q < kVectors; q++) {
      uint8_t* p = m + o + 4 * kLanes * q;
      store(p, V[q]);
      store(p + s, GE[q]);
      store(p + 2 * s, GI[q]);
      store(p + 3 * s, I0[q]);
      store(p + 4 * s, R[q]);
    }
  }
  return count;
}

/**
 * condExpSlice(buffer, end, nSteps, stride, channel, spikeIdx, spikeLag, rowTable, consts, current, scaled)
 * -> number of spike records. `end` must be a multiple of blockBytes.
 */
Napi::Value CondExpSlice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 11 || !info[0].IsArrayBuffer()) {
    Napi::TypeError::New(env, "condExpSlice(buffer, end, nSteps, stride, channel, spikeIdx, spikeLag, rowTable, consts, current, scaled)").ThrowAsJavaScriptException();
    return env.Null();
  }
  auto buffer = info[0].As<Napi::ArrayBuffer>();
  Layout at;
  int* fields[] = {&at.end, &at.nSteps, &at.stride, &at.channel, &at.spikeIdx, &at.spikeLag, &at.rowTable, &at.consts};
  for (int i = 0; i < 8; i++) *fields[i] = info[i + 1].As<Napi::Number>().Int32Value();
  const bool current = info[9].As<Napi::Boolean>().Value();
  const bool scaled = info[10].As<Napi::Boolean>().Value();
  auto* m = static_cast<uint8_t*>(buffer.Data());
  int count = current ? (scaled ? condExpSlice<true, true>(m, at) : condExpSlice<true, false>(m, at))
                      : (scaled ? condExpSlice<false, true>(m, at) : condExpSlice<false, false>(m, at));
  return Napi::Number::New(env, count);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("condExpSlice", Napi::Function::New(env, CondExpSlice));
  exports.Set("blockBytes", Napi::Number::New(env, 4 * kLanes * kVectors));
  exports.Set("lanes", Napi::Number::New(env, kLanes));
#if defined(__AVX512F__)
  exports.Set("isa", Napi::String::New(env, "avx512f"));
#elif defined(__AVX2__)
  exports.Set("isa", Napi::String::New(env, "avx2"));
#else
  exports.Set("isa", Napi::String::New(env, "baseline"));
#endif
  return exports;
}

}  // namespace

NODE_API_MODULE(spikeworks_kernels, Init)
