// `render_live`'s cached group of the layers above the live one (premultiplied, composited onto
// a transparent target) laid over the accumulator: the pipeline blends it source-over.

@group(0) @binding(0) var group_texture: texture_2d<f32>;
@group(0) @binding(1) var group_sampler: sampler;

@vertex
fn vs_group(@builtin(vertex_index) index: u32) -> @builtin(position) vec4<f32> {
    let x = f32((index << 1u) & 2u);
    let y = f32(index & 2u);
    return vec4<f32>(x * 2.0 - 1.0, 1.0 - y * 2.0, 0.0, 1.0);
}

@fragment
fn fs_group(@builtin(position) position: vec4<f32>) -> @location(0) vec4<f32> {
    return textureLoad(group_texture, vec2<i32>(floor(position.xy)), 0);
}
