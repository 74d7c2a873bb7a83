// One direction of a separable Gaussian blur, premultiplied (mirrors `gpu::BlurHeader` and
// `push_blur`). Taps come in pairs merged with the bilinear trick (one filtered sample stands for
// two neighbouring texels), so a kernel of 2R+1 texels costs about R+1 samples. The number of
// pairs is a pipeline constant: llvmpipe runs a loop of known length over constant uniform
// indices about 30 % faster than a dynamic one.

override PAIRS: u32 = 0u;

struct Blur {
    // xy: one texel along the blur direction in uv; z: number of pairs (= PAIRS); w: centre
    // weight.
    step: vec4<f32>,
    // xy: 1 / texture size.
    texel: vec4<f32>,
    // x: offset in texels, y: weight (each pair is sampled on both sides).
    taps: array<vec4<f32>, 256>,
};

// `blur` is the including shader's uniform (a module-scope variable, not a parameter, so the
// 4 KiB struct is never copied).
fn blur_at(source: texture_2d<f32>, source_sampler: sampler, pixel_centre: vec2<f32>) -> vec4<f32> {
    let uv = pixel_centre * blur.texel.xy;
    var sum = textureSampleLevel(source, source_sampler, uv, 0.0) * blur.step.w;
    for (var i = 0u; i < PAIRS; i = i + 1u) {
        let tap = blur.taps[i];
        let offset = blur.step.xy * tap.x;
        sum += (textureSampleLevel(source, source_sampler, uv + offset, 0.0)
            + textureSampleLevel(source, source_sampler, uv - offset, 0.0)) * tap.y;
    }
    return sum;
}

@vertex
fn vs_fullscreen(@builtin(vertex_index) index: u32) -> @builtin(position) vec4<f32> {
    let x = f32((index << 1u) & 2u);
    let y = f32(index & 2u);
    return vec4<f32>(x * 2.0 - 1.0, 1.0 - y * 2.0, 0.0, 1.0);
}
