//! Pieces the benchmarks share: `--flag value` parsing, CPU time and memory of threads and
//! processes (Linux /proc), and a scratch directory.
//!
//! Each example includes it with `mod bench_support;`; not every example uses every piece.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

/// The command line as `--flag value` pairs, after the program name. Flags in `switches`
/// take no value (their value is `"true"`).
pub fn flag_pairs(switches: &[&str]) -> Result<Vec<(String, String)>, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut pairs = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].clone();
        if switches.contains(&flag.as_str()) {
            pairs.push((flag, "true".to_owned()));
            i += 1;
            continue;
        }
        let value = args
            .get(i + 1)
            .ok_or_else(|| format!("{flag} needs a value"))?;
        pairs.push((flag, value.clone()));
        i += 2;
    }
    Ok(pairs)
}

/// `value` as a number, or an error naming `flag`.
pub fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse::<T>()
        .map_err(|_| format!("{flag} needs a number, not `{value}`"))
}

/// USER_HZ, the unit of CPU times in /proc: 100 on every Linux this runs on.
const TICK: Duration = Duration::from_millis(10);

/// User + system CPU time from a stat(5) line: fields 14 and 15, at indexes 11 and 12 after
/// the name (which may hold spaces, so it is skipped up to its closing parenthesis).
fn stat_cpu_time(stat: &str) -> Option<Duration> {
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(TICK * u32::try_from(ticks).ok()?)
}

/// This thread's user + system CPU time (Linux: /proc/thread-self/stat).
pub fn thread_cpu_time() -> Option<Duration> {
    stat_cpu_time(&std::fs::read_to_string("/proc/thread-self/stat").ok()?)
}

/// What a process has used so far: CPU time of all its threads, its resident memory now and
/// its peak (VmHWM: the high-water mark the kernel keeps, so no sampling can miss a peak).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// User + system CPU time of every thread.
    pub cpu: Duration,
    /// Resident set size now, in bytes.
    pub rss: u64,
    /// Peak resident set size since the process started, in bytes.
    pub peak_rss: u64,
}

/// The usage of process `pid` (`"self"` for this one); `None` off Linux or once it is gone.
pub fn usage(pid: &str) -> Option<Usage> {
    let cpu = stat_cpu_time(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map(|kib| kib * 1024)
    };
    Some(Usage {
        cpu,
        rss: kib("VmRSS:")?,
        peak_rss: kib("VmHWM:")?,
    })
}

/// A fresh scratch directory for this process, e.g. `/tmp/zdpolicy-bench-1234`.
pub fn scratch_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("zdpolicy-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
