//! The writing tools' prompts: each tool is a template over the text engine.
//!
//! A 135M-parameter model follows short, concrete instructions and copies the form of what it
//! is shown, so every prompt is one plain instruction with the facts in labelled lines, the
//! answer is started for it where that pins the form (`#` for hashtags), stop sequences end it
//! where the form is done (a blank line for a caption), and the token budget follows from the
//! platform's limit. What still goes wrong is cleaned up afterwards (`postcraft_write`).

use postcraft_core::presets::{Platform, platforms};
use postcraft_core::write_ipc::{WriteRequest, WriteTool};

/// Everything the text engine needs for one tool request.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolPrompt {
    /// The system message.
    pub system: String,
    /// Worked examples shown before the request, as (user, assistant) turns: a small model
    /// copies the form of an example far more reliably than it follows a description of it.
    pub examples: Vec<(String, String)>,
    /// The user message.
    pub user: String,
    /// The start of the answer, written for the model (and put back in front of its text).
    pub answer_prefix: String,
    /// Where an answer ends.
    pub stop: Vec<String>,
    /// Token budget of one answer.
    pub max_tokens: usize,
    /// Default temperature of the tool.
    pub temperature: f32,
}

const SYSTEM: &str = "You are a helpful assistant that writes social media posts.";

/// The platform with that id (`youtube` also names YouTube Shorts).
pub fn platform_by_id(id: &str) -> Option<&'static Platform> {
    let id = id.trim().to_ascii_lowercase();
    platforms().iter().find(|p| p.id == id || p.id.split('-').next() == Some(id.as_str()))
}

/// Builds the prompt of `request` for `platform`, or says in words what is missing.
pub fn tool_prompt(request: &WriteRequest, platform: &Platform) -> Result<ToolPrompt, String> {
    let topic = request.topic.trim();
    let text = request.text.trim();
    let tone = request.tone.trim();
    let keywords: Vec<&str> = request.keywords.iter().map(|k| k.trim()).filter(|k| !k.is_empty()).collect();
    let need = |value: &str, what: &str| {
        if value.is_empty() { Err(format!("{} needs {what}", request.tool.as_str())) } else { Ok(()) }
    };
    // About four characters a token in English; a caption is asked short whatever the limit.
    let budget = |chars: u32, cap: usize| ((chars as usize) / 3).clamp(24, cap);
    let on = |p: &Platform| p.name.clone();
    let prompt = match request.tool {
        WriteTool::Caption => {
            need(topic, "a topic")?;
            let mut user =
                format!("Write a short {}caption for a {} post.\nTopic: {topic}\n", tone_word(tone), on(platform));
            if !keywords.is_empty() {
                user.push_str(&format!("Use these words: {}\n", keywords.join(", ")));
            }
            user.push_str("Write one or two sentences. No hashtags.");
            ToolPrompt {
                system: SYSTEM.into(),
                examples: vec![(
                    format!(
                        "Write a short {}caption for a {} post.\nTopic: fresh bread from our bakery\nWrite one or two sentences. No hashtags.",
                        tone_word(tone),
                        on(platform)
                    ),
                    "Warm, crusty and straight from the oven: our morning loaves are waiting for you.".into(),
                )],
                user,
                answer_prefix: String::new(),
                stop: vec!["\n\n".into()],
                max_tokens: budget(platform.text_limit.min(280), 80),
                temperature: 0.7,
            }
        }
        WriteTool::Hashtags => {
            need(topic, "a topic")?;
            let count = postcraft_write::suggested_range(platform).max as usize;
            ToolPrompt {
                system: SYSTEM.into(),
                examples: vec![(
                    format!("Write 8 hashtags for a {} post about: morning coffee in a cozy cafe", on(platform)),
                    "#coffee #morningcoffee #cafe #coffeetime #cozy #coffeelover #latte #slowmorning".into(),
                )],
                user: format!("Write {count} hashtags for a {} post about: {topic}", on(platform)),
                answer_prefix: "#".into(),
                stop: vec!["\n".into()],
                max_tokens: (count * 6).clamp(16, 120),
                temperature: 0.6,
            }
        }
        WriteTool::Draft => {
            need(topic, "a topic")?;
            let mut user = format!("Write a {}thread for {} about: {topic}\n", tone_word(tone), on(platform));
            if !keywords.is_empty() {
                user.push_str(&format!("Use these words: {}\n", keywords.join(", ")));
            }
            user.push_str("Write three short paragraphs.");
            ToolPrompt {
                system: SYSTEM.into(),
                examples: Vec::new(),
                user,
                answer_prefix: String::new(),
                stop: Vec::new(),
                max_tokens: 260,
                temperature: 0.7,
            }
        }
        WriteTool::Rewrite => {
            need(text, "the text to rewrite")?;
            let how = match (tone.is_empty(), request.shorter) {
                (true, true) => "Make this post shorter".to_owned(),
                (false, true) => format!("Rewrite this post shorter, in a {tone} tone"),
                (false, false) => format!("Rewrite this post in a {tone} tone"),
                (true, false) => "Rewrite this post in other words".to_owned(),
            };
            let words = text.split_whitespace().count();
            let tokens = words * 2 + 16;
            ToolPrompt {
                system: SYSTEM.into(),
                examples: Vec::new(),
                user: format!("{how}:\n{text}"),
                answer_prefix: String::new(),
                stop: vec!["\n\n".into()],
                max_tokens: tokens.clamp(24, budget(platform.text_limit, 400)),
                temperature: 0.7,
            }
        }
        WriteTool::AltText => {
            need(text, "a description of the image")?;
            ToolPrompt {
                system: "You write alt text that describes images for blind readers.".into(),
                examples: vec![(
                    "Write one sentence of alt text for this image: grey cat on a windowsill, rain outside".into(),
                    "A grey cat sits on a windowsill and watches the rain run down the glass.".into(),
                )],
                user: format!("Write one sentence of alt text for this image: {text}"),
                answer_prefix: String::new(),
                stop: vec!["\n".into()],
                max_tokens: 60,
                temperature: 0.5,
            }
        }
    };
    Ok(prompt)
}

fn tone_word(tone: &str) -> String {
    if tone.is_empty() { String::new() } else { format!("{tone} ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(tool: WriteTool) -> WriteRequest {
        WriteRequest {
            tool,
            platform: "x".into(),
            topic: "sunset at the beach".into(),
            keywords: vec!["golden".into()],
            tone: "playful".into(),
            text: String::new(),
            shorter: false,
            variants: 1,
            seed: 0,
            temperature: None,
        }
    }

    #[test]
    fn platform_ids_include_youtube() {
        assert_eq!(platform_by_id("youtube").map(|p| p.id.as_str()), Some("youtube-shorts"));
        assert_eq!(platform_by_id("X").map(|p| p.id.as_str()), Some("x"));
        assert!(platform_by_id("myspace").is_none());
    }

    #[test]
    fn each_tool_has_a_prompt_and_says_what_is_missing() {
        let x = platform_by_id("x").expect("x");
        let caption = tool_prompt(&request(WriteTool::Caption), x).expect("caption");
        assert!(caption.user.contains("sunset at the beach") && caption.user.contains("playful"));
        assert!(caption.user.contains("golden"));
        let tags = tool_prompt(&request(WriteTool::Hashtags), x).expect("hashtags");
        assert_eq!(tags.answer_prefix, "#");
        let error = tool_prompt(&request(WriteTool::Rewrite), x).expect_err("rewrite needs text");
        assert!(error.contains("text to rewrite"), "{error}");
        let error = tool_prompt(&request(WriteTool::AltText), x).expect_err("alt text needs text");
        assert!(error.contains("description"), "{error}");
        for tool in WriteTool::ALL {
            let mut r = request(tool);
            r.text = "A dog on a red sofa.".into();
            let prompt = tool_prompt(&r, x).expect("prompt");
            assert!(prompt.max_tokens >= 16 && prompt.max_tokens <= 400);
        }
    }
}
