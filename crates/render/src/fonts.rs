//! Fonts for text layers and overlays.
//!
//! egui's built-in fonts come first (Ubuntu Light for Latin, then egui's icons and its monochrome
//! Noto Emoji and emoji-icon fonts), then every extra font file the caller passes, as fallbacks in
//! order: that is how CJK text (Droid Sans Fallback, Noto CJK) finds its glyphs. A character no
//! font has is drawn as a box ("tofu").
//!
//! Emoji are drawn as monochrome Noto Emoji outlines in the text's colour: epaint rasterizes
//! outlines into a coverage atlas, so colour emoji bitmaps (Noto Color Emoji) are not supported.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use egui::epaint::text::{FontData, FontDefinitions, FontFamily, Fonts, TextOptions};

/// The fonts text is laid out with, and what happened loading them.
pub struct FontSet {
    definitions: FontDefinitions,
    report: Vec<String>,
    /// Layout state for the CPU reference (the compositor keeps its own): built on first use.
    cpu_fonts: Mutex<Option<Fonts>>,
}

impl FontSet {
    /// egui's built-in fonts plus `extra_font_files` (TrueType/OpenType, collections use their
    /// first face) as fallbacks, in order. A file that is missing or not a font is skipped and
    /// named in [`FontSet::report`]; this never fails.
    pub fn load(extra_font_files: &[PathBuf]) -> FontSet {
        let mut definitions = FontDefinitions::default();
        let mut report = vec![format!(
            "built-in: {} (egui default fonts; emoji are monochrome Noto Emoji)",
            definitions.font_data.keys().cloned().collect::<Vec<_>>().join(", ")
        )];
        for (index, path) in extra_font_files.iter().enumerate() {
            match std::fs::read(path) {
                Ok(bytes) if looks_like_font(&bytes) => {
                    let name = format!("extra-{index}-{}", path.display());
                    definitions.font_data.insert(name.clone(), Arc::new(FontData::from_owned(bytes)));
                    for family in [FontFamily::Proportional, FontFamily::Monospace] {
                        definitions.families.entry(family).or_default().push(name.clone());
                    }
                    report.push(format!("loaded: {} (fallback)", path.display()));
                }
                Ok(_) => report.push(format!("not a font, skipped: {}", path.display())),
                Err(error) => report.push(format!("missing, skipped: {} ({error})", path.display())),
            }
        }
        FontSet { definitions, report, cpu_fonts: Mutex::new(None) }
    }

    /// Human-readable lines: which fonts loaded, which were missing or invalid.
    pub fn report(&self) -> Vec<String> {
        self.report.clone()
    }

    /// A fresh layout engine over these fonts (parsing is lazy, so this is cheap-ish; keep it).
    pub(crate) fn new_fonts(&self, max_texture_side: usize) -> Fonts {
        Fonts::new(text_options(max_texture_side), self.definitions.clone())
    }

    /// Runs `f` with the CPU reference's layout engine.
    pub(crate) fn with_cpu_fonts<R>(&self, f: impl FnOnce(&mut Fonts) -> R) -> R {
        // A poisoned lock only means an earlier layout panicked; the fonts are still usable.
        let mut guard = self.cpu_fonts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let fonts = guard.get_or_insert_with(|| self.new_fonts(CPU_ATLAS_SIDE));
        f(fonts)
    }
}

/// Atlas size for the CPU reference (no device limit applies).
const CPU_ATLAS_SIDE: usize = 8192;

/// The text options used everywhere, so GPU and CPU lay out identically. Sub-pixel binning is off:
/// glyphs are drawn rotated and scaled anyway, and fewer atlas entries keep the atlas small.
pub(crate) fn text_options(max_texture_side: usize) -> TextOptions {
    TextOptions { max_texture_side, subpixel_binning: false, ..TextOptions::default() }
}

/// TrueType, OpenType (CFF) or a collection, by magic number.
fn looks_like_font(bytes: &[u8]) -> bool {
    matches!(bytes.get(..4), Some([0, 1, 0, 0] | b"OTTO" | b"true" | b"ttcf"))
}

impl Clone for FontSet {
    fn clone(&self) -> Self {
        FontSet { definitions: self.definitions.clone(), report: self.report.clone(), cpu_fonts: Mutex::new(None) }
    }
}

impl fmt::Debug for FontSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FontSet").field("fonts", &self.definitions.font_data.keys().collect::<Vec<_>>()).finish()
    }
}
