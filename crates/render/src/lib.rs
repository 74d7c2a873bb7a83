//! The post preview's renderer. For now it finds the graphics adapter the compositor will use,
//! so `postcraft doctor` can say whether previews render on a GPU, on the CPU (Mesa llvmpipe), or
//! not at all, and why.

/// The adapter wgpu picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterSummary {
    /// The adapter's name (for example `llvmpipe (LLVM 15.0.6, 256 bits)`).
    pub name: String,
    /// The API used (`Vulkan`, `Gl`, ...).
    pub backend: String,
    /// Whether it is a real GPU or a CPU renderer.
    pub device_type: String,
    /// True for software renderers (llvmpipe, lavapipe, WARP).
    pub is_cpu: bool,
}

/// Why no adapter is usable.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// wgpu found no adapter on any backend.
    #[error(
        "no graphics adapter found ({0}); install Mesa's CPU renderer (apt `mesa-vulkan-drivers libegl1 libgl1-mesa-dri`) or a GPU driver"
    )]
    NoAdapter(String),
}

/// Asks wgpu for an adapter the way the compositor will (honouring `WGPU_BACKEND` and
/// `WGPU_ADAPTER_NAME`). Takes 50-200 ms: call it off the UI thread.
pub fn probe_adapter() -> Result<AdapterSummary, RenderError> {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
    let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
        power_preference: wgpu::PowerPreference::from_env().unwrap_or_default(),
        ..Default::default()
    }))
    .map_err(|e| RenderError::NoAdapter(e.to_string()))?;
    let info = adapter.get_info();
    Ok(AdapterSummary {
        name: info.name,
        backend: format!("{:?}", info.backend),
        device_type: format!("{:?}", info.device_type),
        is_cpu: info.device_type == wgpu::DeviceType::Cpu,
    })
}
