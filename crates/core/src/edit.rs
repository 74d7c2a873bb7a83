//! Edits as commands, and the undo history.
//!
//! Every change to a [`Post`] is an [`Edit`]. Applying one returns its inverse, which the
//! [`Document`] keeps for undo; a group (a whole drag, a paste of several layers) undoes in one
//! step. History is unlimited. A failed edit leaves the post untouched and records nothing.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::post::{BlendMode, Crop, Filters, Layer, LayerContent, LayerId, Post, PostAudio, Transform};

/// One change to a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "edit", rename_all = "kebab-case")]
pub enum Edit {
    /// Insert a layer at `index` (0 = bottom).
    AddLayer {
        /// Where.
        index: usize,
        /// The layer (its id from [`Post::allocate_layer_id`]).
        layer: Layer,
    },
    /// Delete a layer.
    RemoveLayer {
        /// Which.
        id: LayerId,
    },
    /// Move a layer to position `to` in the stack.
    MoveLayer {
        /// Which.
        id: LayerId,
        /// New position (0 = bottom).
        to: usize,
    },
    /// Place a layer.
    SetTransform {
        /// Which.
        id: LayerId,
        /// New placement.
        transform: Transform,
    },
    /// Crop a layer's source.
    SetCrop {
        /// Which.
        id: LayerId,
        /// New crop (none: uncropped).
        crop: Option<Crop>,
    },
    /// Change a layer's opacity.
    SetOpacity {
        /// Which.
        id: LayerId,
        /// 0 to 1.
        opacity: f32,
    },
    /// Change a layer's blend mode.
    SetBlend {
        /// Which.
        id: LayerId,
        /// New mode.
        blend: BlendMode,
    },
    /// Change a layer's filters.
    SetFilters {
        /// Which.
        id: LayerId,
        /// New filters.
        filters: Filters,
    },
    /// Show or hide a layer.
    SetVisible {
        /// Which.
        id: LayerId,
        /// Shown?
        visible: bool,
    },
    /// Replace what a layer shows (edit its text, swap its image).
    SetContent {
        /// Which.
        id: LayerId,
        /// New content.
        content: LayerContent,
    },
    /// Rename a layer.
    Rename {
        /// Which.
        id: LayerId,
        /// New name.
        name: String,
    },
    /// Change the canvas colour under the layers.
    SetBackground {
        /// RGBA.
        color: [u8; 4],
    },
    /// Make the post a carousel of `slides` slides (1: a single image).
    SetSlides {
        /// 1 to [`Edit::MAX_SLIDES`].
        slides: u32,
    },
    /// Replace the post's caption.
    SetCaption {
        /// At most [`Edit::MAX_TEXT_BYTES`].
        text: String,
    },
    /// Replace the post's sound (voice, bed, mix settings).
    SetAudio {
        /// The new sound.
        audio: PostAudio,
    },
    /// Replace a layer's alt text.
    SetAltText {
        /// Which.
        id: LayerId,
        /// At most [`Edit::MAX_TEXT_BYTES`].
        text: String,
    },
}

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    /// No layer with that id.
    #[error("no layer {0:?} in the post")]
    NoSuchLayer(LayerId),
    /// A layer with that id exists already.
    #[error("layer {0:?} exists already")]
    DuplicateLayer(LayerId),
    /// A stack position past the end.
    #[error("position {index} is outside the stack of {len} layers")]
    IndexOutOfRange {
        /// Asked for.
        index: usize,
        /// Layers in the stack.
        len: usize,
    },
    /// A value out of its range (NaN, negative scale, opacity above 1, ...).
    #[error("invalid value: {0}")]
    InvalidValue(String),
}

impl Edit {
    /// The most slides a carousel may have (LinkedIn's 20 is the largest platform limit).
    pub const MAX_SLIDES: u32 = 20;
    /// The longest caption or alt text (Facebook's 63,206 characters, in UTF-8, with room).
    pub const MAX_TEXT_BYTES: usize = 256 * 1024;

    /// Applies the edit and returns the edit that undoes it. On error the post is unchanged.
    pub fn apply(self, post: &mut Post) -> Result<Edit, EditError> {
        self.validate()?;
        let missing = EditError::NoSuchLayer;
        Ok(match self {
            Edit::AddLayer { index, layer } => {
                if post.layer(layer.id).is_some() {
                    return Err(EditError::DuplicateLayer(layer.id));
                }
                if index > post.layers.len() {
                    return Err(EditError::IndexOutOfRange { index, len: post.layers.len() });
                }
                let id = layer.id;
                // Ids are never reused, also for layers restored by undo or built elsewhere.
                post.next_layer_id = post.next_layer_id.max(id.0 + 1);
                post.layers.insert(index, layer);
                Edit::RemoveLayer { id }
            }
            Edit::RemoveLayer { id } => {
                let (index, _) = post.layer(id).ok_or(missing(id))?;
                let layer = post.layers.remove(index);
                Edit::AddLayer { index, layer }
            }
            Edit::MoveLayer { id, to } => {
                let (from, _) = post.layer(id).ok_or(missing(id))?;
                if to >= post.layers.len() {
                    return Err(EditError::IndexOutOfRange { index: to, len: post.layers.len() });
                }
                let layer = post.layers.remove(from);
                post.layers.insert(to, layer);
                Edit::MoveLayer { id, to: from }
            }
            Edit::SetTransform { id, transform } => {
                let layer = post.layer_mut(id).ok_or(missing(id))?;
                Edit::SetTransform { id, transform: std::mem::replace(&mut layer.transform, transform) }
            }
            Edit::SetCrop { id, crop } => {
                let layer = post.layer_mut(id).ok_or(missing(id))?;
                Edit::SetCrop { id, crop: std::mem::replace(&mut layer.crop, crop) }
            }
            Edit::SetOpacity { id, opacity } => {
                let layer = post.layer_mut(id).ok_or(missing(id))?;
                Edit::SetOpacity { id, opacity: std::mem::replace(&mut layer.opacity, opacity) }
            }
            Edit::SetBlend { id, blend } => {
                let layer = post.layer_mut(id).ok_or(missing(id))?;
                Edit::SetBlend { id, blend: std::mem::replace(&mut layer.blend, blend) }
            }
            Edit::SetFilters { id, filters } => {
                let layer = post.layer_mut(id).ok_or(missing(id))?;
                Edit::SetFilters { id, filters: std::mem::replace(&mut layer.filters, filters) }
            }
            Edit::SetVisible { id, visible } => {
                let layer = post.layer_mut(id).ok_or(missing(id))?;
                Edit::SetVisible { id, visible: std::mem::replace(&mut layer.visible, visible) }
            }
            Edit::SetContent { id, content } => {
                let layer = post.layer_mut(id).ok_or(missing(id))?;
                Edit::SetContent { id, content: std::mem::replace(&mut layer.content, content) }
            }
            Edit::Rename { id, name } => {
                let layer = post.layer_mut(id).ok_or(missing(id))?;
                Edit::Rename { id, name: std::mem::replace(&mut layer.name, name) }
            }
            Edit::SetBackground { color } => {
                Edit::SetBackground { color: std::mem::replace(&mut post.background, color) }
            }
            Edit::SetSlides { slides } => Edit::SetSlides { slides: std::mem::replace(&mut post.slides, slides) },
            Edit::SetCaption { text } => Edit::SetCaption { text: std::mem::replace(&mut post.caption, text) },
            Edit::SetAudio { audio } => Edit::SetAudio { audio: std::mem::replace(&mut post.audio, audio) },
            Edit::SetAltText { id, text } => {
                let layer = post.layer_mut(id).ok_or(missing(id))?;
                Edit::SetAltText { id, text: std::mem::replace(&mut layer.alt_text, text) }
            }
        })
    }

    /// Range checks that need no post.
    fn validate(&self) -> Result<(), EditError> {
        let bad = |what: &str| Err(EditError::InvalidValue(what.to_owned()));
        match self {
            Edit::AddLayer { layer, .. } => {
                check_transform(&layer.transform)?;
                if !(0.0..=1.0).contains(&layer.opacity) {
                    return bad("opacity must be between 0 and 1");
                }
                check_filters(&layer.filters)?;
                check_content(&layer.content)
            }
            Edit::SetTransform { transform, .. } => check_transform(transform),
            Edit::SetOpacity { opacity, .. } if !(0.0..=1.0).contains(opacity) => {
                bad("opacity must be between 0 and 1")
            }
            Edit::SetFilters { filters, .. } => check_filters(filters),
            Edit::SetSlides { slides } if !(1..=Edit::MAX_SLIDES).contains(slides) => {
                bad("a carousel has 1 to 20 slides")
            }
            Edit::SetContent { content, .. } => check_content(content),
            Edit::SetAudio { audio } => check_audio(audio),
            Edit::SetCaption { text } | Edit::SetAltText { text, .. } if text.len() > Edit::MAX_TEXT_BYTES => {
                bad("the text is too long")
            }
            Edit::SetCrop { crop: Some(crop), .. } => {
                let inside = |v: f32| (0.0..=1.0).contains(&v);
                let ok = inside(crop.x)
                    && inside(crop.y)
                    && crop.width > 0.0
                    && crop.height > 0.0
                    && crop.x + crop.width <= 1.0 + f32::EPSILON
                    && crop.y + crop.height <= 1.0 + f32::EPSILON;
                if ok { Ok(()) } else { bad("crop must lie within the source") }
            }
            _ => Ok(()),
        }
    }
}

fn check_transform(t: &Transform) -> Result<(), EditError> {
    let finite = [t.x, t.y, t.scale_x, t.scale_y, t.rotation_deg].iter().all(|v| v.is_finite());
    if !finite || t.scale_x <= 0.0 || t.scale_y <= 0.0 {
        return Err(EditError::InvalidValue("placement must be finite with a positive scale".into()));
    }
    Ok(())
}

fn check_content(content: &LayerContent) -> Result<(), EditError> {
    let ok = match content {
        LayerContent::Text { font_size, wrap_width, .. } => {
            font_size.is_finite() && *font_size > 0.0 && wrap_width.is_none_or(|w| w.is_finite() && w > 0.0)
        }
        LayerContent::Shape { width, height, .. } => {
            width.is_finite() && height.is_finite() && *width > 0.0 && *height > 0.0
        }
        _ => true,
    };
    if ok { Ok(()) } else { Err(EditError::InvalidValue("sizes must be finite and positive".into())) }
}

fn check_audio(audio: &PostAudio) -> Result<(), EditError> {
    let bad = |what: &str| Err(EditError::InvalidValue(what.to_owned()));
    for track in [&audio.voice, &audio.bed].into_iter().flatten() {
        let inside_assets = track.asset.starts_with("assets/")
            && !track.asset.split('/').any(|part| part == ".." || part.is_empty())
            && !track.asset.contains('\\');
        if !inside_assets {
            return bad("a post's sound must be a file in the project's assets/ folder");
        }
        if !(track.duration_seconds.is_finite() && track.duration_seconds > 0.0) || track.label.len() > 200 {
            return bad("a sound track needs a positive length and a short label");
        }
    }
    let m = audio.mix;
    let ok = (0.0..=60.0).contains(&m.voice_offset_seconds)
        && (0.0..=40.0).contains(&m.ducking_db)
        && (-60.0..=12.0).contains(&m.bed_gain_db)
        && (0.0..=30.0).contains(&m.fade_in_seconds)
        && (0.0..=30.0).contains(&m.fade_out_seconds);
    if ok { Ok(()) } else { bad("mix setting out of range") }
}

fn check_filters(f: &Filters) -> Result<(), EditError> {
    let unit = |v: f32| (-1.0..=1.0).contains(&v);
    let ok = unit(f.brightness)
        && unit(f.contrast)
        && unit(f.saturation)
        && unit(f.temperature)
        && (0.0..=1.0).contains(&f.vignette)
        && f.blur.is_finite()
        && f.blur >= 0.0;
    if ok { Ok(()) } else { Err(EditError::InvalidValue("filter out of range".into())) }
}

/// A post with its undo history.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    post: Post,
    /// Groups of inverse edits, in the order their edits were applied.
    undo: Vec<Vec<Edit>>,
    /// Groups of forward edits, in the order to re-apply them.
    redo: Vec<Vec<Edit>>,
    /// The group being recorded, between `begin_group` and `end_group`.
    open: Option<Vec<Edit>>,
}

impl Document {
    /// A document over a post, with empty history.
    pub fn new(post: Post) -> Self {
        Self { post, undo: Vec::new(), redo: Vec::new(), open: None }
    }

    /// The post as it is now.
    pub fn post(&self) -> &Post {
        &self.post
    }

    /// A fresh layer id.
    pub fn allocate_layer_id(&mut self) -> LayerId {
        self.post.allocate_layer_id()
    }

    /// Applies an edit; it becomes one undo step, or part of the open group.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        let inverse = edit.apply(&mut self.post)?;
        self.redo.clear();
        match &mut self.open {
            Some(group) => group.push(inverse),
            None => self.undo.push(vec![inverse]),
        }
        Ok(())
    }

    /// Starts a group: edits until [`Document::end_group`] undo as one step (a drag, a paste).
    pub fn begin_group(&mut self) {
        self.end_group();
        self.open = Some(Vec::new());
    }

    /// Ends the open group, if any.
    pub fn end_group(&mut self) {
        if let Some(group) = self.open.take()
            && !group.is_empty()
        {
            self.undo.push(group);
        }
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty() || self.open.as_ref().is_some_and(|g| !g.is_empty())
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Undoes the last step; false when there is none.
    pub fn undo(&mut self) -> bool {
        self.end_group();
        let Some(group) = self.undo.pop() else { return false };
        let forward = replay(&mut self.post, group.into_iter().rev());
        // `forward` holds the redo edits in reverse order of application.
        self.redo.push(forward.into_iter().rev().collect());
        true
    }

    /// Redoes the last undone step; false when there is none.
    pub fn redo(&mut self) -> bool {
        self.end_group();
        let Some(group) = self.redo.pop() else { return false };
        let inverses = replay(&mut self.post, group.into_iter());
        self.undo.push(inverses);
        true
    }
}

/// Applies recorded edits, returning their inverses in the same order. Recorded edits always
/// apply: they were made from this very post state.
fn replay(post: &mut Post, edits: impl Iterator<Item = Edit>) -> Vec<Edit> {
    edits.filter_map(|edit| edit.apply(post).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::post::ShapeKind;
    use proptest::prelude::*;

    fn shape(id: u32) -> Layer {
        Layer::new(
            LayerId(id),
            format!("shape {id}"),
            LayerContent::Shape { shape: ShapeKind::Rectangle, fill: [255, 0, 0, 255], width: 100.0, height: 50.0 },
        )
    }

    /// An edit chosen by the property test; ids point at layers 1..=6, which may or may not exist.
    fn edit_strategy() -> impl Strategy<Value = Edit> {
        let id = (1u32..=6).prop_map(LayerId);
        prop_oneof![
            (0usize..4, 1u32..=6).prop_map(|(index, id)| Edit::AddLayer { index, layer: shape(id) }),
            id.clone().prop_map(|id| Edit::RemoveLayer { id }),
            (id.clone(), 0usize..6).prop_map(|(id, to)| Edit::MoveLayer { id, to }),
            (id.clone(), -500f32..500.0, -500f32..500.0, 0.1f32..4.0, -180f32..180.0).prop_map(|(id, x, y, s, r)| {
                Edit::SetTransform { id, transform: Transform { x, y, scale_x: s, scale_y: s, rotation_deg: r } }
            }),
            (id.clone(), -0.5f32..1.5).prop_map(|(id, opacity)| Edit::SetOpacity { id, opacity }),
            (id.clone(), any::<bool>()).prop_map(|(id, visible)| Edit::SetVisible { id, visible }),
            (id.clone(), "[a-z ]{0,8}").prop_map(|(id, name)| Edit::Rename { id, name }),
            any::<[u8; 4]>().prop_map(|color| Edit::SetBackground { color }),
            (0u32..25).prop_map(|slides| Edit::SetSlides { slides }),
            "[a-z #]{0,12}".prop_map(|text| Edit::SetCaption { text }),
            (id.clone(), "[a-z ]{0,12}").prop_map(|(id, text)| Edit::SetAltText { id, text }),
            (id, -1f32..1.0).prop_map(|(id, brightness)| Edit::SetFilters {
                id,
                filters: Filters { brightness, ..Filters::default() }
            }),
        ]
    }

    proptest! {
        #[test]
        fn undo_all_restores_the_start_and_redo_all_the_end(
            edits in proptest::collection::vec((edit_strategy(), any::<bool>()), 0..40)
        ) {
            let start = Post::new("instagram-portrait");
            let mut doc = Document::new(start.clone());
            for (edit, new_group) in edits {
                if new_group { doc.begin_group(); }
                let before = doc.post().clone();
                if doc.apply(edit).is_err() {
                    prop_assert_eq!(doc.post(), &before, "a refused edit changes nothing");
                }
            }
            doc.end_group();
            let end = doc.post().clone();
            // The id counter is bookkeeping, not content: it only grows, so an id is never reused.
            let content = |post: &Post| (post.preset.clone(), post.slides, post.background, post.layers.clone());
            while doc.undo() {}
            prop_assert_eq!(content(doc.post()), content(&start));
            prop_assert!(doc.post().next_layer_id >= end.next_layer_id);
            while doc.redo() {}
            prop_assert_eq!(content(doc.post()), content(&end));
        }
    }

    #[test]
    fn a_group_undoes_in_one_step_and_a_new_edit_clears_redo() {
        let mut doc = Document::new(Post::new("instagram-square"));
        let id = doc.allocate_layer_id();
        doc.apply(Edit::AddLayer { index: 0, layer: shape(id.0) }).expect("add");
        doc.begin_group();
        for step in 1..=10 {
            let transform = Transform { x: step as f32 * 10.0, ..Transform::default() };
            doc.apply(Edit::SetTransform { id, transform }).expect("drag step");
        }
        doc.end_group();
        assert!(doc.undo(), "the drag undoes in one step");
        assert_eq!(doc.post().layers[0].transform, Transform::default());
        assert!(doc.can_redo());
        doc.apply(Edit::SetOpacity { id, opacity: 0.5 }).expect("opacity");
        assert!(!doc.can_redo(), "a new edit after undo drops the redo steps");
        assert!(doc.undo() && doc.undo(), "opacity, then the add");
        assert!(doc.post().layers.is_empty());
        assert!(!doc.undo());
    }

    #[test]
    fn the_post_sound_is_set_undone_and_checked() {
        use crate::post::{AudioTrack, PostAudio, PostMix};
        let mut doc = Document::new(Post::new("instagram-square"));
        let track = |asset: &str| AudioTrack { asset: asset.into(), label: "voice".into(), duration_seconds: 3.5 };
        let audio = PostAudio { voice: Some(track("assets/voice-1.wav")), bed: None, mix: PostMix::default() };
        doc.apply(Edit::SetAudio { audio: audio.clone() }).expect("applies");
        assert_eq!(doc.post().audio, audio);
        assert!(doc.undo());
        assert!(doc.post().audio.is_empty());
        for bad in [
            PostAudio { voice: Some(track("../outside.wav")), ..PostAudio::default() },
            PostAudio { bed: Some(track("assets/../x.wav")), ..PostAudio::default() },
            PostAudio { mix: PostMix { ducking_db: f32::NAN, ..PostMix::default() }, ..PostAudio::default() },
        ] {
            assert!(matches!(doc.apply(Edit::SetAudio { audio: bad }), Err(EditError::InvalidValue(_))));
        }
    }

    #[test]
    fn refused_edits_say_why() {
        let mut doc = Document::new(Post::new("instagram-square"));
        assert_eq!(doc.apply(Edit::RemoveLayer { id: LayerId(9) }), Err(EditError::NoSuchLayer(LayerId(9))));
        doc.apply(Edit::AddLayer { index: 0, layer: shape(1) }).expect("add");
        assert_eq!(doc.apply(Edit::AddLayer { index: 0, layer: shape(1) }), Err(EditError::DuplicateLayer(LayerId(1))));
        assert!(matches!(
            doc.apply(Edit::SetOpacity { id: LayerId(1), opacity: 2.0 }),
            Err(EditError::InvalidValue(_))
        ));
        let nan = Transform { x: f32::NAN, ..Transform::default() };
        assert!(matches!(
            doc.apply(Edit::SetTransform { id: LayerId(1), transform: nan }),
            Err(EditError::InvalidValue(_))
        ));
        assert_eq!(doc.allocate_layer_id(), LayerId(2), "ids are not reused");
    }
}
