// The horizontal blur pass, layer target to layer target (the vertical pass runs inside the
// composite shader).

@group(0) @binding(0) var<uniform> blur: Blur;
@group(1) @binding(0) var source: texture_2d<f32>;
@group(1) @binding(1) var source_sampler: sampler;

@fragment
fn fs_blur(@builtin(position) position: vec4<f32>) -> @location(0) vec4<f32> {
    return blur_at(source, source_sampler, position.xy);
}
