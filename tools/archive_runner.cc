#include "tools/archive_runner.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tools/corpus_io.h"

namespace callredact {
namespace {

namespace fs = std::filesystem;

absl::string_view A(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HasExtension(const std::string& name, const std::vector<std::string>& extensions) {
  std::string lower = Lower(name);
  for (const std::string& ext : extensions) {
    std::string e = Lower(ext);
    if (lower.size() > e.size() && lower.compare(lower.size() - e.size(), e.size(), e) == 0) {
      return true;
    }
  }
  return false;
}

// One sized read (ReadWholeStream), not an ostringstream that grows and is copied out.
absl::StatusOr<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open the file");
  std::string content;
  if (!ReadWholeStream(in, "", &content).ok()) return absl::DataLossError("read error");
  return content;
}

std::string FormatDuration(double seconds) {
  if (!(seconds >= 0) || seconds > 359999) return "--:--";
  long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

std::atomic<uint64_t> g_tmp_counter{0};

}  // namespace

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

bool InShard(std::string_view rel, uint32_t index, uint32_t count) {
  return count <= 1 || Fnv1a64(rel) % count == index;
}

absl::Status ParseShard(std::string_view spec, uint32_t* index, uint32_t* count) {
  size_t slash = spec.find('/');
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("--shard: expected I/N with 0 <= I < N, got \"", A(spec), "\""));
  };
  if (slash == std::string_view::npos) return bad();
  std::string i(spec.substr(0, slash)), n(spec.substr(slash + 1));
  char* end1 = nullptr;
  char* end2 = nullptr;
  unsigned long iv = std::strtoul(i.c_str(), &end1, 10);
  unsigned long nv = std::strtoul(n.c_str(), &end2, 10);
  if (i.empty() || n.empty() || *end1 != '\0' || *end2 != '\0' || nv == 0 || iv >= nv ||
      nv > 1000000) {
    return bad();
  }
  *index = static_cast<uint32_t>(iv);
  *count = static_cast<uint32_t>(nv);
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, std::string_view data) {
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) return absl::InternalError(absl::StrCat(path, ": cannot create its directory"));
  std::string tmp = absl::StrCat(path, ".tmp-", getpid(), "-", g_tmp_counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return absl::InternalError(absl::StrCat(tmp, ": cannot create: ", std::strerror(errno)));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return absl::InternalError(absl::StrCat(tmp, ": write failed: ", std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat(tmp, ": fsync failed"));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat(path, ": rename failed: ", std::strerror(err)));
  }
  // Make the rename itself durable.
  std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

absl::StatusOr<RedactedFile> RedactFileContent(std::string_view path, std::string_view content,
                                               const ArchiveOptions& options,
                                               const RedactFn& redact) {
  TranscriptFormat format =
      options.format == TranscriptFormat::kAuto ? DetectFormat(content) : options.format;
  if (format == TranscriptFormat::kCorpusJsonl) {
    if (!options.jsonl) {
      return absl::UnimplementedError(
          absl::StrCat(A(path), ": corpus JSONL files need the corpus_io reader"));
    }
    return options.jsonl(path, content, redact);
  }
  absl::StatusOr<ParsedTranscript> parsed = ParseTranscript(path, content, options.parse, format);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<v1::RedactedCall> redacted = redact(parsed->call);
  if (!redacted.ok()) {
    return absl::Status(redacted.status().code(),
                        absl::StrCat(A(path), ": redaction failed: ", redacted.status().message()));
  }
  absl::StatusOr<std::string> out = WriteTranscript(*parsed, *redacted);
  if (!out.ok()) return out.status();
  return RedactedFile{*std::move(out), EventsToJsonl(*redacted)};
}

absl::StatusOr<ArchiveReport> RunArchive(const ArchiveOptions& options, const RedactFn& redact) {
  std::error_code ec;
  if (options.shard_count == 0 || options.shard_index >= options.shard_count) {
    return absl::InvalidArgumentError("--shard: expected I/N with 0 <= I < N");
  }
  if (!fs::is_directory(options.input_dir, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(options.input_dir, ": not a directory"));
  }
  if (options.output_dir.empty()) return absl::InvalidArgumentError("--output-dir is required");
  const fs::path in_root = fs::canonical(options.input_dir, ec);
  const fs::path out_root = fs::weakly_canonical(options.output_dir, ec);
  {
    std::string in_s = in_root.string(), out_s = out_root.string();
    if (out_s == in_s || out_s.rfind(in_s + "/", 0) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          options.output_dir, ": the output directory must not be inside the input directory"));
    }
  }

  // The files of this shard, in a stable order.
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(in_root, fs::directory_options::skip_permission_denied, ec);
  if (ec)
    return absl::InvalidArgumentError(
        absl::StrCat(options.input_dir, ": cannot list: ", ec.message()));
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec)
      return absl::InternalError(
          absl::StrCat(options.input_dir, ": listing failed: ", ec.message()));
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {  // Hidden files and directories.
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec) || !HasExtension(name, options.extensions)) continue;
    if (HasExtension(name, {options.events_suffix})) continue;  // Events of an earlier run.
    std::string rel = it->path().lexically_relative(in_root).generic_string();
    if (InShard(rel, options.shard_index, options.shard_count)) files.push_back(std::move(rel));
  }
  std::sort(files.begin(), files.end());

  ArchiveReport report;
  report.total = files.size();
  std::vector<std::string> todo;
  for (const std::string& rel : files) {
    if (fs::exists(out_root / rel, ec)) {
      ++report.skipped;  // Complete: the transcript is renamed into place last.
    } else {
      todo.push_back(rel);
    }
  }

  std::mutex mu;  // Guards report.failed and report.processed.
  std::atomic<size_t> next{0};
  std::atomic<size_t> finished{0};
  auto work = [&] {
    for (size_t i = next++; i < todo.size(); i = next++) {
      const std::string& rel = todo[i];
      absl::Status st;
      try {
        absl::StatusOr<std::string> content = ReadFile(in_root / rel);
        if (!content.ok()) {
          st = absl::Status(content.status().code(),
                            absl::StrCat(rel, ": ", content.status().message()));
        } else {
          absl::StatusOr<RedactedFile> out = RedactFileContent(rel, *content, options, redact);
          if (!out.ok()) {
            st = out.status();
          } else {
            std::string target = (out_root / rel).string();
            st = WriteFileAtomically(target + options.events_suffix, out->events_jsonl);
            if (st.ok()) st = WriteFileAtomically(target, out->transcript);
          }
        }
      } catch (const std::exception&) {
        // what() may quote input; report only that it happened.
        st = absl::InternalError(absl::StrCat(rel, ": exception while redacting"));
      } catch (...) {
        st = absl::InternalError(absl::StrCat(rel, ": exception while redacting"));
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        if (st.ok()) {
          ++report.processed;
        } else {
          report.failed.push_back({rel, std::string(st.message())});
        }
      }
      ++finished;
    }
  };

  int jobs =
      options.jobs > 0 ? options.jobs : static_cast<int>(std::thread::hardware_concurrency());
  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(std::max<size_t>(1, todo.size()))));
  const bool progress = options.progress > 0 || (options.progress < 0 && isatty(STDERR_FILENO));

  std::mutex progress_mu;
  std::condition_variable progress_cv;
  bool all_done = false;
  std::thread progress_thread;
  const auto t0 = std::chrono::steady_clock::now();
  auto draw = [&] {
    size_t done = finished.load();
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    double eta = rate > 0 ? static_cast<double>(todo.size() - done) / rate : -1;
    constexpr int kWidth = 30;
    int filled = todo.empty() ? kWidth : static_cast<int>(kWidth * done / todo.size());
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    char line[200];
    std::snprintf(line, sizeof line, "\r\033[K[%s] %zu/%zu %5.1f%% %.1f files/s ETA %s",
                  bar.c_str(), done, todo.size(),
                  todo.empty() ? 100.0 : 100.0 * static_cast<double>(done) / todo.size(), rate,
                  FormatDuration(eta).c_str());
    std::cerr << line << std::flush;
  };
  if (progress) {
    progress_thread = std::thread([&] {
      std::unique_lock<std::mutex> lock(progress_mu);
      while (
          !progress_cv.wait_for(lock, std::chrono::milliseconds(250), [&] { return all_done; })) {
        draw();
      }
    });
  }
  std::vector<std::thread> workers;
  for (int j = 0; j < jobs; ++j) workers.emplace_back(work);
  for (std::thread& t : workers) t.join();
  if (progress) {
    {
      std::lock_guard<std::mutex> lock(progress_mu);
      all_done = true;
    }
    progress_cv.notify_all();
    progress_thread.join();
    draw();
    std::cerr << "\n";
  }

  std::sort(report.failed.begin(), report.failed.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  std::cerr << "callredact redact: " << report.processed << " redacted, " << report.skipped
            << " already done, " << report.failed.size() << " failed, of " << report.total
            << " files";
  if (options.shard_count > 1) {
    std::cerr << " in shard " << options.shard_index << "/" << options.shard_count;
  }
  std::cerr << "\n";
  for (const auto& f : report.failed) std::cerr << "  failed: " << f.message << "\n";
  return report;
}

}  // namespace callredact
