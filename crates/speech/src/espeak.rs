//! espeak-ng, loaded at run time, turning text into IPA phonemes clause by clause, exactly as
//! Piper's phonemizer (piper-phonemize) does it.
//!
//! espeak-ng keeps all its state in globals (voice, translator, a static result buffer), so every
//! call goes through one process-wide lock, and the library is initialised once per file.
//! The library is opened with `dlopen` rather than linked, for the same reasons as the ONNX
//! Runtime: set-up installs the build Piper's voices were trained with (piper-phonemize's, which
//! reports each clause's punctuation through `espeak_TextToPhonemesWithTerminator`), the system's
//! copy (Debian's 1.51, without that call) is a fallback, and a missing library is a clear error
//! at run time instead of a binary that does not start.
#![allow(unsafe_code)] // FFI into libespeak-ng; every call is wrapped in a safe function below.

use std::collections::HashMap;
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;
use unicode_normalization::UnicodeNormalization;

use crate::SpeechError;

/// `espeakCHARS_AUTO`: UTF-8, or 8-bit when the text is not valid UTF-8.
const CHARS_AUTO: c_int = 0;
/// `phonememode` bit 1: IPA phoneme names (no separators, no ties), as Piper uses.
const PHONEMES_IPA: c_int = 0x02;
/// `ENOUTPUT_MODE_SYNCHRONOUS`: no audio thread (we only phonemize).
const OUTPUT_SYNCHRONOUS: c_int = 0x0001;
/// `ENS_OK`.
const STATUS_OK: c_int = 0;

/// Clause terminators (`translate.h`, masked with `0x000FFFFF`): pause | intonation | type.
const CLAUSE_PERIOD: c_int = 0x0008_0028;
const CLAUSE_QUESTION: c_int = 0x0008_2028;
const CLAUSE_EXCLAMATION: c_int = 0x0008_302D;
const CLAUSE_COMMA: c_int = 0x0004_1014;
const CLAUSE_COLON: c_int = 0x0004_001E;
const CLAUSE_SEMICOLON: c_int = 0x0004_101E;
const CLAUSE_TYPE_SENTENCE: c_int = 0x0008_0000;

type InitializePathFn = unsafe extern "C" fn(path: *const c_char);
type InitializeFn = unsafe extern "C" fn(context: *mut *mut c_void) -> c_int;
type InitializeOutputFn = unsafe extern "C" fn(mode: c_int, buffer_length: c_int, device: *const c_char) -> c_int;
type ClearErrorContextFn = unsafe extern "C" fn(context: *mut *mut c_void);
type InfoFn = unsafe extern "C" fn(path_data: *mut *const c_char) -> *const c_char;
type SetVoiceByNameFn = unsafe extern "C" fn(name: *const c_char) -> c_int;
type TextToPhonemesFn =
    unsafe extern "C" fn(text: *mut *const c_void, text_mode: c_int, phoneme_mode: c_int) -> *const c_char;
type TextToPhonemesWithTerminatorFn = unsafe extern "C" fn(
    text: *mut *const c_void,
    text_mode: c_int,
    phoneme_mode: c_int,
    terminator: *mut c_int,
) -> *const c_char;

/// The functions of one loaded library.
struct Library {
    set_voice_by_name: SetVoiceByNameFn,
    text_to_phonemes: TextToPhonemesFn,
    text_to_phonemes_with_terminator: Option<TextToPhonemesWithTerminatorFn>,
    /// Keeps the code the pointers above point into.
    _library: libloading::Library,
}

/// A loaded, initialised espeak-ng. Cheap to clone; all clones share the library and its lock.
#[derive(Clone)]
pub struct Espeak {
    inner: Arc<Mutex<Library>>,
    info: Arc<EspeakInfo>,
}

impl std::fmt::Debug for Espeak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Espeak").field("info", &self.info).finish()
    }
}

/// What was loaded, for `postcraft doctor` and messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EspeakInfo {
    /// The library file.
    pub library: PathBuf,
    /// The data folder it reads.
    pub data: PathBuf,
    /// `espeak_Info`'s version string.
    pub version: String,
    /// Whether clause punctuation comes from espeak itself (`espeak_TextToPhonemesWithTerminator`)
    /// or is read back from the text (the system library's fallback, close to Piper but not
    /// always equal).
    pub exact_clauses: bool,
}

/// The library's file name, as set-up installs it and as the system's loader finds it.
pub const LIBRARY_FILE: &str = "libespeak-ng.so.1";
/// Where Debian and others keep espeak-ng's data.
const SYSTEM_DATA_DIRS: [&str; 3] = [
    "/usr/lib/x86_64-linux-gnu/espeak-ng-data",
    "/usr/lib/aarch64-linux-gnu/espeak-ng-data",
    "/usr/share/espeak-ng-data",
];

/// One library file is loaded and initialised once per process: a second `dlopen` of the same
/// file returns the same globals, which must not be initialised twice.
static LOADED: Mutex<Option<HashMap<PathBuf, Espeak>>> = Mutex::new(None);

impl Espeak {
    /// Opens `library` and initialises it with the data folder `data` (the folder that holds
    /// `phontab`, `en_dict`, ...). Returns the already loaded instance for a file loaded before.
    pub fn open(library: &Path, data: &Path) -> Result<Self, SpeechError> {
        let mut loaded = LOADED.lock();
        let loaded = loaded.get_or_insert_with(HashMap::new);
        if let Some(espeak) = loaded.get(library) {
            return Ok(espeak.clone());
        }
        if !data.join("phontab").is_file() {
            return Err(SpeechError::PhonemizerMissing(format!(
                "the espeak-ng data folder {} has no phontab; run the set-up again",
                data.display()
            )));
        }
        let espeak = Self::load(library, data)?;
        loaded.insert(library.to_path_buf(), espeak.clone());
        Ok(espeak)
    }

    /// The espeak-ng set-up installed in `installed` (`libespeak-ng.so.1` and `espeak-ng-data/`,
    /// Piper's own build), else the system's (Debian's `libespeak-ng1`, whose clause punctuation
    /// is read back from the text: close to Piper's, not always equal).
    pub fn locate(installed: &Path) -> Result<Self, SpeechError> {
        let shipped = Self::open(&installed.join(LIBRARY_FILE), &installed.join("espeak-ng-data"));
        let shipped_error = match shipped {
            Ok(espeak) => return Ok(espeak),
            Err(error) => error,
        };
        let system_data = SYSTEM_DATA_DIRS.iter().map(Path::new).find(|dir| dir.join("phontab").is_file());
        match system_data.map(|data| Self::open(Path::new(LIBRARY_FILE), data)) {
            Some(Ok(espeak)) => {
                tracing::warn!("using the system's espeak-ng ({shipped_error})");
                Ok(espeak)
            }
            Some(Err(system_error)) => Err(SpeechError::PhonemizerMissing(format!(
                "speech needs espeak-ng: {shipped_error}; the system's copy failed too: {system_error}"
            ))),
            None => Err(SpeechError::PhonemizerMissing(format!(
                "speech needs espeak-ng: {shipped_error} (run the set-up: `./scripts/run`, or install Debian's `espeak-ng`)"
            ))),
        }
    }

    fn load(path: &Path, data: &Path) -> Result<Self, SpeechError> {
        let missing = |e: &dyn std::fmt::Display| {
            SpeechError::PhonemizerMissing(format!("cannot open the espeak-ng library {}: {e}", path.display()))
        };
        // SAFETY: loading runs the library's initialisers; libespeak-ng's only set up its globals.
        let library = unsafe { libloading::Library::new(path) }.map_err(|e| missing(&e))?;
        // SAFETY: the symbol types match espeak-ng's public header (speak_lib.h / espeak_ng.h).
        let (
            initialize_path,
            initialize,
            initialize_output,
            clear_error_context,
            info,
            set_voice_by_name,
            text_to_phonemes,
        ) = unsafe {
            (
                *library.get::<InitializePathFn>(b"espeak_ng_InitializePath\0").map_err(|e| missing(&e))?,
                *library.get::<InitializeFn>(b"espeak_ng_Initialize\0").map_err(|e| missing(&e))?,
                *library.get::<InitializeOutputFn>(b"espeak_ng_InitializeOutput\0").map_err(|e| missing(&e))?,
                *library.get::<ClearErrorContextFn>(b"espeak_ng_ClearErrorContext\0").map_err(|e| missing(&e))?,
                *library.get::<InfoFn>(b"espeak_Info\0").map_err(|e| missing(&e))?,
                *library.get::<SetVoiceByNameFn>(b"espeak_SetVoiceByName\0").map_err(|e| missing(&e))?,
                *library.get::<TextToPhonemesFn>(b"espeak_TextToPhonemes\0").map_err(|e| missing(&e))?,
            )
        };
        // SAFETY: as above; absent from upstream builds before 1.52, hence optional.
        let text_to_phonemes_with_terminator = unsafe {
            library
                .get::<TextToPhonemesWithTerminatorFn>(b"espeak_TextToPhonemesWithTerminator\0")
                .ok()
                .map(|symbol| *symbol)
        };
        let data_c = CString::new(data.as_os_str().as_encoded_bytes())
            .map_err(|_| SpeechError::PhonemizerMissing("the espeak-ng data path contains a NUL byte".into()))?;
        // espeak_ng_Initialize reports a missing or damaged data folder as a status, where
        // espeak_Initialize would call exit().
        let mut context: *mut c_void = std::ptr::null_mut();
        // SAFETY: data_c outlives the call (espeak copies the path); context is a valid out pointer.
        let status = unsafe {
            initialize_path(data_c.as_ptr());
            let status = initialize(&mut context);
            clear_error_context(&mut context);
            status
        };
        if status != STATUS_OK {
            return Err(SpeechError::PhonemizerMissing(format!(
                "espeak-ng could not read its data in {} (status {status:#x}); run the set-up again",
                data.display()
            )));
        }
        // SAFETY: synchronous mode starts no audio thread; a null device is allowed.
        let status = unsafe { initialize_output(OUTPUT_SYNCHRONOUS, 0, std::ptr::null()) };
        if status != STATUS_OK {
            return Err(SpeechError::PhonemizerMissing(format!("espeak-ng did not initialise (status {status:#x})")));
        }
        // SAFETY: espeak_Info returns a static string; a null out pointer is allowed.
        let version = unsafe { CStr::from_ptr(info(std::ptr::null_mut())) }.to_string_lossy().into_owned();
        let info = EspeakInfo {
            library: path.to_path_buf(),
            data: data.to_path_buf(),
            version,
            exact_clauses: text_to_phonemes_with_terminator.is_some(),
        };
        Ok(Self {
            inner: Arc::new(Mutex::new(Library {
                set_voice_by_name,
                text_to_phonemes,
                text_to_phonemes_with_terminator,
                _library: library,
            })),
            info: Arc::new(info),
        })
    }

    /// What was loaded.
    pub fn info(&self) -> &EspeakInfo {
        &self.info
    }

    /// The phonemes of `text` in the espeak voice `voice` (`en-us`), one list per sentence, the
    /// way piper-phonemize makes them: espeak's clauses, IPA decomposed (NFD) into code points,
    /// `(lang)` switch markers dropped, and each clause's punctuation (`.` `?` `!` `,` `:` `;`)
    /// appended, with a space after the last three. A sentence ends where espeak's clause type
    /// says so. Sentences without any phoneme are left out.
    pub fn phonemize(&self, text: &str, voice: &str) -> Result<Vec<Vec<char>>, SpeechError> {
        // espeak reads a C string: a NUL inside the text would end it early.
        let text_c = CString::new(text.replace('\0', " ")).expect("NULs were replaced");
        let voice_c = CString::new(voice)
            .map_err(|_| SpeechError::InvalidRequest("the voice's espeak name contains a NUL byte".into()))?;
        let library = self.inner.lock();
        // SAFETY: a valid C string; espeak copies the name.
        let status = unsafe { (library.set_voice_by_name)(voice_c.as_ptr()) };
        if status != STATUS_OK {
            return Err(SpeechError::PhonemizerFailed(format!(
                "espeak-ng has no voice {voice:?} (status {status}); the voice file names an espeak voice this espeak-ng data lacks"
            )));
        }
        let mut sentences: Vec<Vec<char>> = Vec::new();
        let mut current: Vec<char> = Vec::new();
        let mut cursor: *const c_void = text_c.as_ptr().cast();
        while !cursor.is_null() {
            let before = cursor;
            let mut terminator: c_int = 0;
            // SAFETY: cursor points into text_c (alive for the loop) or is null, which ends the
            // loop; espeak advances it past the clause. The returned buffer is static and valid
            // until the next call, so it is copied at once, under the lock.
            let phonemes = unsafe {
                let result = match library.text_to_phonemes_with_terminator {
                    Some(with_terminator) => with_terminator(&mut cursor, CHARS_AUTO, PHONEMES_IPA, &mut terminator),
                    None => (library.text_to_phonemes)(&mut cursor, CHARS_AUTO, PHONEMES_IPA),
                };
                if result.is_null() { String::new() } else { CStr::from_ptr(result).to_string_lossy().into_owned() }
            };
            if library.text_to_phonemes_with_terminator.is_none() {
                terminator = guess_terminator(&text_c, before, cursor);
            }
            push_clause(&mut current, &phonemes);
            match terminator & 0x000F_FFFF {
                CLAUSE_PERIOD => current.push('.'),
                CLAUSE_QUESTION => current.push('?'),
                CLAUSE_EXCLAMATION => current.push('!'),
                CLAUSE_COMMA => current.extend([',', ' ']),
                CLAUSE_COLON => current.extend([':', ' ']),
                CLAUSE_SEMICOLON => current.extend([';', ' ']),
                _ => {}
            }
            if terminator & CLAUSE_TYPE_SENTENCE == CLAUSE_TYPE_SENTENCE {
                sentences.push(std::mem::take(&mut current));
            }
        }
        if !current.is_empty() {
            sentences.push(current);
        }
        sentences.retain(|s| s.iter().any(|c| !is_punctuation_or_space(*c)));
        Ok(sentences)
    }
}

/// Appends a clause's IPA: decomposed to NFD (as Piper's phoneme maps expect, e.g. "ç" -> "c" +
/// U+0327), without the `(en)`-style markers espeak puts around words of another language.
fn push_clause(sentence: &mut Vec<char>, phonemes: &str) {
    let mut in_language_flag = false;
    for c in phonemes.nfd() {
        if in_language_flag {
            in_language_flag = c != ')';
        } else if c == '(' {
            in_language_flag = true;
        } else {
            sentence.push(c);
        }
    }
}

fn is_punctuation_or_space(c: char) -> bool {
    matches!(c, '.' | '?' | '!' | ',' | ':' | ';' | ' ')
}

/// For a library without `espeak_TextToPhonemesWithTerminator`: the clause's terminator read
/// back from the text espeak consumed (its last punctuation mark). espeak's own rules (a
/// look-ahead, "Dr.", "?!") differ in places; doctor says which mode is in use.
fn guess_terminator(text: &CStr, before: *const c_void, after: *const c_void) -> c_int {
    let bytes = text.to_bytes();
    let start = (before as usize).saturating_sub(text.as_ptr() as usize).min(bytes.len());
    let end = if after.is_null() {
        bytes.len()
    } else {
        (after as usize).saturating_sub(text.as_ptr() as usize).clamp(start, bytes.len())
    };
    let mut consumed = String::from_utf8_lossy(&bytes[start..end]).into_owned();
    if !after.is_null() {
        // espeak reads one character ahead: the first of the next clause is in the span.
        consumed.pop();
    }
    let last = consumed.trim_end().chars().next_back();
    match last {
        Some('.') => CLAUSE_PERIOD,
        Some('?') => CLAUSE_QUESTION,
        Some('!') => CLAUSE_EXCLAMATION,
        Some(',') => CLAUSE_COMMA,
        Some(':') => CLAUSE_COLON,
        Some(';') => CLAUSE_SEMICOLON,
        _ if after.is_null() => CLAUSE_TYPE_SENTENCE,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_flags_are_dropped_and_ipa_is_decomposed() {
        let mut sentence = Vec::new();
        push_clause(&mut sentence, "hˈɛloʊ (fr)bɔ̃ʒuʁ(en) ç");
        let text: String = sentence.iter().collect();
        assert_eq!(text, "hˈɛloʊ bɔ\u{303}ʒuʁ c\u{327}");
    }

    #[test]
    fn guessed_terminators_follow_the_last_mark() {
        // The spans espeak-ng 1.51 consumes: each clause plus the first character of the next.
        let text = CString::new("Hi there, you. Why?").expect("valid");
        let base = text.as_ptr() as *const c_void;
        let at = |i: usize| unsafe { base.cast::<u8>().add(i).cast::<c_void>() };
        assert_eq!(guess_terminator(&text, base, at(11)), CLAUSE_COMMA);
        assert_eq!(guess_terminator(&text, at(11), at(16)), CLAUSE_PERIOD);
        assert_eq!(guess_terminator(&text, at(16), std::ptr::null()), CLAUSE_QUESTION);
        assert_eq!(guess_terminator(&text, base, at(4)), 0, "a clause that ends without a mark");
    }
}
