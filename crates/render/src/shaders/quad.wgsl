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

// Same as `math::rect_coverage`.
fn rect_coverage(l: vec2<f32>) -> f32 {
    let d = min(l, layer.size.xy - l) * layer.size.zw;
    let c = clamp(d + vec2<f32>(0.5), vec2<f32>(0.0), vec2<f32>(1.0));
    return c.x * c.y;
}

// Same as `math::ellipse_coverage`.
fn ellipse_coverage(l: vec2<f32>) -> f32 {
    let half = layer.size.xy * 0.5;
    let q = (l - half) / half;
    let r = length(q);
    if r < 1e-4 {
        return 1.0;
    }
    let n = q / r / half;
    let grad = n.x * layer.inv0.xy + n.y * layer.inv1.xy;
    let d = (1.0 - r) / max(length(grad), 1e-6);
    return clamp(d + 0.5, 0.0, 1.0);
}

@fragment
fn fs_shape(in: VertexOut) -> @location(0) vec4<f32> {
    var coverage: f32;
    if layer.params.x < 0.5 {
        coverage = rect_coverage(in.local);
    } else {
        coverage = ellipse_coverage(in.local);
    }
    return layer.color * coverage;
}

@fragment
fn fs_image(in: VertexOut) -> @location(0) vec4<f32> {
    let uv = clamp((layer.uv.xy + in.local) * layer.uv.zw, layer.uv_clamp.xy, layer.uv_clamp.zw);
    let texel = textureSampleLevel(source, source_sampler, uv, layer.params.y);
    return texel * (rect_coverage(in.local) * layer.params.w);
}
