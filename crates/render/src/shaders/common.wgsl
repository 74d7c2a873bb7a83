// Per-layer uniforms, shared by the quad and composite shaders (mirrors `gpu::LayerUniform`).
struct Layer {
    // Local coordinates -> target px: x = dot(fwd0.xy, l) + fwd0.z, y = dot(fwd1.xy, l) + fwd1.z.
    fwd0: vec4<f32>,
    fwd1: vec4<f32>,
    // Output px (unpadded) -> local coordinates; its linear part gives edge gradients.
    inv0: vec4<f32>,
    inv1: vec4<f32>,
    // xy: target size in px.
    target_size: vec4<f32>,
    // The local rectangle grown by one output pixel (x0, y0, x1, y1).
    quad: vec4<f32>,
    // xy: natural size; zw: output px per local unit across vertical / horizontal edges.
    size: vec4<f32>,
    // Premultiplied fill of a shape, times opacity.
    color: vec4<f32>,
    // Image: xy crop origin in source px, zw 1 / source size.
    uv: vec4<f32>,
    // Image: uv clamp (min xy, max zw), keeping filtering inside the crop.
    uv_clamp: vec4<f32>,
    // x: shape kind (0 rectangle, 1 ellipse), y: mip level, z: opacity applied when compositing,
    // w: opacity applied when drawing (images).
    params: vec4<f32>,
    // brightness, contrast, saturation, temperature.
    filt0: vec4<f32>,
    // x: vignette, y: blend mode (0 normal, 1 multiply, 2 screen, 3 overlay), z: padding of the
    // layer texture in px, w: 1 when any colour filter or the vignette is on.
    filt1: vec4<f32>,
    spare0: vec4<f32>,
    spare1: vec4<f32>,
    spare2: vec4<f32>,
};

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

// Image layer: local coordinates to uv, kept inside the crop.
fn image_uv(l: vec2<f32>) -> vec2<f32> {
    return clamp((layer.uv.xy + l) * layer.uv.zw, layer.uv_clamp.xy, layer.uv_clamp.zw);
}

// Shape layer: premultiplied colour at local coordinates.
fn shape_color(l: vec2<f32>) -> vec4<f32> {
    var coverage: f32;
    if layer.params.x < 0.5 {
        coverage = rect_coverage(l);
    } else {
        coverage = ellipse_coverage(l);
    }
    return layer.color * coverage;
}
