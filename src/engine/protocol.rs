//! The wire between the supervisor and its worker processes. Every message is one frame: a 4-byte
//! little-endian length, then that many bytes of JSON. The supervisor writes a [`Job`] to the
//! worker's standard input ([`ToWorker`]); the worker writes [`FromWorker`] messages to its result
//! pipe: `Ready` once after start-up (sandbox applied), then one `Done` per job, and before it any
//! number of `Module` requests, each answered on the worker's standard input.

use std::borrow::Cow;
use std::io::{self, Read, Write};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::job::{Job, JobResult};
use super::modules::{ModuleAnswer, ModuleRequest};

/// The largest frame either side accepts, in bytes. A job carries a script (Auth0 caps an Action
/// at 100 kB) and its inputs; a result carries logs (256 KiB) and the api commands (bounded by
/// the runner). Anything larger is refused instead of being allocated.
pub const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;

/// What a worker tells its supervisor: `{"ready": …}` or `{"done": …}`. Externally tagged, so
/// a result is read in one pass (an internally tagged enum buffers every value and reads it twice).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromWorker {
    /// The isolate exists and the sandbox is applied; the worker takes jobs from now on.
    Ready { sandbox: SandboxReport },
    /// The answer to the last job. `retiring`: the worker exits after this answer (its isolate
    /// was stopped mid-execution and may be inconsistent).
    Done { result: Box<JobResult>, retiring: bool },
    /// The running job's script requires a module: the supervisor answers with
    /// [`ToWorker::Module`] before the worker goes on.
    Module(ModuleRequest),
}

/// What a supervisor writes to a worker: `{"job": …}` or `{"module": …}`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToWorker<'a> {
    /// A job to run (after the one running, if any).
    Job(Cow<'a, Job>),
    /// The answer to the running job's [`FromWorker::Module`] request.
    Module(ModuleAnswer),
}

/// What the worker's OS sandbox enforces, as applied (see `sandbox.rs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxReport {
    /// `no_new_privs` and the seccomp filter are in force.
    pub seccomp: bool,
    /// Landlock's state: "full", "partial" or "unsupported" (the kernel lacks it).
    pub landlock: String,
}

fn frame_too_large(length: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("a frame of {length} bytes exceeds the {MAX_FRAME_BYTES}-byte limit"),
    )
}

/// One message as a frame (length and JSON), refused when over the limit.
pub fn encode_frame<T: Serialize>(message: &T) -> io::Result<Vec<u8>> {
    let mut frame = vec![0u8; 4];
    serde_json::to_writer(&mut frame, message).map_err(io::Error::other)?;
    let length = frame.len() - 4;
    if length > MAX_FRAME_BYTES {
        return Err(frame_too_large(length));
    }
    frame[..4].copy_from_slice(&(length as u32).to_le_bytes());
    Ok(frame)
}

/// A buffer for the body a frame header announces, refused when it is over the limit.
fn body_for(header: [u8; 4]) -> io::Result<Vec<u8>> {
    let length = u32::from_le_bytes(header) as usize;
    if length > MAX_FRAME_BYTES {
        return Err(frame_too_large(length));
    }
    Ok(vec![0u8; length])
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> io::Result<T> {
    serde_json::from_slice(body).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Writes one frame (blocking; the worker's side).
pub fn write_frame<T: Serialize>(out: &mut impl Write, message: &T) -> io::Result<()> {
    out.write_all(&encode_frame(message)?)?;
    out.flush()
}

/// Reads one frame (blocking; the worker's side). `None` at a clean end of input.
pub fn read_frame<T: DeserializeOwned>(input: &mut impl Read) -> io::Result<Option<T>> {
    let mut header = [0u8; 4];
    match input.read_exact(&mut header) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let mut body = body_for(header)?;
    input.read_exact(&mut body)?;
    decode(&body).map(Some)
}

/// Writes one frame made by [`encode_frame`] (the supervisor's side).
pub async fn write_encoded_async(out: &mut (impl AsyncWrite + Unpin), frame: &[u8]) -> io::Result<()> {
    out.write_all(frame).await?;
    out.flush().await
}

/// Reads one frame (the supervisor's side). `None` when the worker closed its end.
pub async fn read_frame_async<T: DeserializeOwned>(input: &mut (impl AsyncRead + Unpin)) -> io::Result<Option<T>> {
    let mut header = [0u8; 4];
    match input.read_exact(&mut header).await {
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let mut body = body_for(header)?;
    input.read_exact(&mut body).await?;
    decode(&body).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_a_short_stream_is_an_error() {
        let mut buffer = Vec::new();
        let report = SandboxReport { seccomp: true, landlock: "full".into() };
        write_frame(&mut buffer, &FromWorker::Ready { sandbox: report.clone() }).unwrap();
        assert_eq!(u32::from_le_bytes(buffer[..4].try_into().unwrap()) as usize, buffer.len() - 4);
        let read: FromWorker = read_frame(&mut buffer.as_slice()).unwrap().unwrap();
        assert!(matches!(read, FromWorker::Ready { sandbox } if sandbox == report));
        // End of input between frames is a clean end; inside a frame it is an error.
        assert!(read_frame::<FromWorker>(&mut [].as_slice()).unwrap().is_none());
        assert!(read_frame::<FromWorker>(&mut &buffer[..buffer.len() - 1]).is_err());
    }

    #[test]
    fn an_oversized_length_is_refused_before_allocating() {
        let header = ((MAX_FRAME_BYTES + 1) as u32).to_le_bytes();
        let error = read_frame::<FromWorker>(&mut header.as_slice()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(error.to_string().contains("exceeds"), "{error}");
    }
}
