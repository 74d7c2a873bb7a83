// One direction of a separable Gaussian blur, premultiplied. Taps come in pairs merged with the
// bilinear trick (one filtered sample stands for two neighbouring texels), so a kernel of
// 2R+1 texels costs about R+1 samples.

struct Blur {
    // xy: one texel along the blur direction in uv; z: number of paired taps; w: centre weight.
    step: vec4<f32>,
    // xy: 1 / texture size.
    texel: vec4<f32>,
    // x: offset in texels, y: weight (each pair is sampled on both sides).
    taps: array<vec4<f32>, 256>,
};

@group(0) @binding(0) var<uniform> blur: Blur;
@group(1) @binding(0) var source: texture_2d<f32>;
@group(1) @binding(1) var source_sampler: sampler;

@vertex
fn vs_fullscreen(@builtin(vertex_index) index: u32) -> @builtin(position) vec4<f32> {
    let x = f32((index << 1u) & 2u);
    let y = f32(index & 2u);
    return vec4<f32>(x * 2.0 - 1.0, 1.0 - y * 2.0, 0.0, 1.0);
}

@fragment
fn fs_blur(@builtin(position) position: vec4<f32>) -> @location(0) vec4<f32> {
    let uv = position.xy * blur.texel.xy;
    var sum = textureSampleLevel(source, source_sampler, uv, 0.0) * blur.step.w;
    let count = u32(blur.step.z);
    for (var i = 0u; i < count; i = i + 1u) {
        let tap = blur.taps[i];
        let offset = blur.step.xy * tap.x;
        sum += (textureSampleLevel(source, source_sampler, uv + offset, 0.0)
            + textureSampleLevel(source, source_sampler, uv - offset, 0.0)) * tap.y;
    }
    return sum;
}
