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
