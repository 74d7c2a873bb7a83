// Composites a rendered layer onto a copy of the accumulator beneath it: the vertical blur pass
// (PAIRS = 0 for an unblurred layer: a plain read), colour filters and vignette on the layer's
// straight colour, opacity, then the W3C separable blend mode and source-over. Doing the vertical
// pass here saves writing and re-reading the layer's whole footprint. Image and shape layers
// without blur skip the layer target altogether: `fs_composite_image` and `fs_composite_shape`
// compute the layer's own colour here (group 1 is then the image). Mirrors `math::adjust_color`,
// `vignette_factor` and `composite`.

@group(0) @binding(0) var<uniform> layer: Layer;
@group(1) @binding(0) var layer_texture: texture_2d<f32>;
@group(1) @binding(1) var layer_sampler: sampler;
@group(2) @binding(0) var backdrop: texture_2d<f32>;
@group(3) @binding(0) var<uniform> blur: Blur;

fn adjust(s: vec4<f32>, position: vec2<f32>) -> vec4<f32> {
    if layer.filt1.w < 0.5 || s.a <= 0.0 {
        return s;
    }
    let f = layer.filt0;
    var c = s.rgb / s.a;
    c = c + vec3<f32>(f.x * 0.5);
    c = (c - vec3<f32>(0.5)) * (1.0 + f.y) + vec3<f32>(0.5);
    let luma = dot(c, vec3<f32>(0.2126, 0.7152, 0.0722));
    c = vec3<f32>(luma) + (c - vec3<f32>(luma)) * (1.0 + f.z);
    c = c + vec3<f32>(f.w * 0.1, 0.0, -f.w * 0.1);
    c = clamp(c, vec3<f32>(0.0), vec3<f32>(1.0));
    let amount = min(layer.filt1.x, 1.0);
    if amount > 0.0 {
        let l = vec2<f32>(dot(layer.inv0.xy, position) + layer.inv0.z, dot(layer.inv1.xy, position) + layer.inv1.z);
        let half = layer.size.xy * 0.5;
        let u = (l - half) / half;
        let r = length(u) * 0.70710678;
        let t = clamp((r - 0.4) / 0.6, 0.0, 1.0);
        c = c * (1.0 - amount * t * t * (3.0 - 2.0 * t));
    }
    return vec4<f32>(c * s.a, s.a);
}

fn straight(c: vec4<f32>) -> vec3<f32> {
    if c.a > 0.0 {
        return c.rgb / c.a;
    }
    return vec3<f32>(0.0);
}

// The layer's colour at `position` (output px), blended over the backdrop there.
fn finish(layer_color: vec4<f32>, position: vec2<f32>) -> vec4<f32> {
    let s = adjust(layer_color, position) * layer.params.z;
    let b = textureLoad(backdrop, vec2<i32>(floor(position)), 0);
    let ao = s.a + b.a * (1.0 - s.a);
    let mode = u32(layer.filt1.y + 0.5);
    if mode == 0u {
        return vec4<f32>(s.rgb + b.rgb * (1.0 - s.a), ao);
    }
    let cs = straight(s);
    let cb = straight(b);
    var mixed: vec3<f32>;
    if mode == 1u {
        mixed = cs * cb;
    } else if mode == 2u {
        mixed = cs + cb - cs * cb;
    } else {
        let t = 2.0 * cb - vec3<f32>(1.0);
        mixed = select(cs + t - cs * t, 2.0 * cs * cb, cb <= vec3<f32>(0.5));
    }
    let co = s.rgb * (1.0 - b.a) + b.rgb * (1.0 - s.a) + s.a * b.a * mixed;
    return vec4<f32>(co, ao);
}

// Local coordinates of an output pixel centre.
fn local_at(position: vec2<f32>) -> vec2<f32> {
    return vec2<f32>(dot(layer.inv0.xy, position) + layer.inv0.z, dot(layer.inv1.xy, position) + layer.inv1.z);
}

@fragment
fn fs_composite(@builtin(position) position: vec4<f32>) -> @location(0) vec4<f32> {
    let pad = layer.filt1.z;
    return finish(blur_at(layer_texture, layer_sampler, position.xy + vec2<f32>(pad, pad)), position.xy);
}

@fragment
fn fs_composite_image(@builtin(position) position: vec4<f32>) -> @location(0) vec4<f32> {
    let l = local_at(position.xy);
    let texel = textureSampleLevel(layer_texture, layer_sampler, image_uv(l), layer.params.y);
    return finish(texel * rect_coverage(l), position.xy);
}

@fragment
fn fs_composite_shape(@builtin(position) position: vec4<f32>) -> @location(0) vec4<f32> {
    return finish(shape_color(local_at(position.xy)), position.xy);
}
