// Image and shape layers: a quad over the layer's local rectangle (grown by a pixel for the
// anti-aliased edge), output premultiplied, blended source-over by the pipeline.

@group(0) @binding(0) var<uniform> layer: Layer;
@group(1) @binding(0) var source: texture_2d<f32>;
@group(1) @binding(1) var source_sampler: sampler;

struct VertexOut {
    @builtin(position) position: vec4<f32>,
    @location(0) local: vec2<f32>,
};

@vertex
fn vs_quad(@builtin(vertex_index) index: u32) -> VertexOut {
    // Two triangles: corners 0 1 2, 2 1 3 of (x0,y0) (x1,y0) (x0,y1) (x1,y1).
    var corners = array<u32, 6>(0u, 1u, 2u, 2u, 1u, 3u);
    let corner = corners[index];
    let l = vec2<f32>(
        select(layer.quad.x, layer.quad.z, (corner & 1u) == 1u),
        select(layer.quad.y, layer.quad.w, (corner & 2u) == 2u),
    );
    let px = vec2<f32>(dot(layer.fwd0.xy, l) + layer.fwd0.z, dot(layer.fwd1.xy, l) + layer.fwd1.z);
    var out: VertexOut;
    out.position = vec4<f32>(px.x / layer.target_size.x * 2.0 - 1.0, 1.0 - px.y / layer.target_size.y * 2.0, 0.0, 1.0);
    out.local = l;
    return out;
}

@fragment
fn fs_shape(in: VertexOut) -> @location(0) vec4<f32> {
    return shape_color(in.local);
}

// Minified images: trilinear at the layer's mip level.
@fragment
fn fs_image(in: VertexOut) -> @location(0) vec4<f32> {
    let texel = textureSampleLevel(source, source_sampler, image_uv(in.local), layer.params.y);
    return texel * (rect_coverage(in.local) * layer.params.w);
}

// Magnified images (level 0 bound alone): a constant level lets llvmpipe skip level selection.
@fragment
fn fs_image_base(in: VertexOut) -> @location(0) vec4<f32> {
    let texel = textureSampleLevel(source, source_sampler, image_uv(in.local), 0.0);
    return texel * (rect_coverage(in.local) * layer.params.w);
}
