// Worker pool and timer thread of the gRPC server (pipeline/redactor_service.h).
//
// gRPC reactions must never wait, so they post longer work here: the pool runs the
// redaction of large requests and of unary calls (CPU work under a per-stream lock), the
// timer thread fires hold expiries and idle checks and posts them back to the pool.
#ifndef CALLREDACT_PIPELINE_EXECUTOR_H_
#define CALLREDACT_PIPELINE_EXECUTOR_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace callredact {

// A fixed pool of worker threads running posted tasks in FIFO order.
class ThreadPool {
 public:
  // 0 threads: one per hardware thread (at least 2).
  explicit ThreadPool(size_t threads = 0);
  ~ThreadPool();  // Runs every task already posted, then joins.
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Post(std::function<void()> task);
  size_t size() const { return threads_.size(); }

 private:
  void Loop();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// One thread firing callbacks at deadlines. Callbacks run on the timer thread and must
// be short (post to a ThreadPool).
class TimerThread {
 public:
  using Clock = std::chrono::steady_clock;
  TimerThread();
  // Drops every pending timer without running it, after calling its cancel callback.
  ~TimerThread();
  TimerThread(const TimerThread&) = delete;
  TimerThread& operator=(const TimerThread&) = delete;

  // Runs `fire` at `when`; `cancelled` instead if the timer is cancelled or the thread
  // stops first. Exactly one of them runs. Returns an id for Cancel().
  uint64_t Schedule(Clock::time_point when, std::function<void()> fire,
                    std::function<void()> cancelled);
  // Cancels a pending timer (runs its `cancelled` callback on this thread); false when
  // it already fired or was cancelled.
  bool Cancel(uint64_t id);
  // Stops the thread, cancelling every pending timer.
  void Stop();

 private:
  struct Entry {
    uint64_t id;
    std::function<void()> fire;
    std::function<void()> cancelled;
  };
  void Loop();
  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<Clock::time_point, Entry> timers_;
  std::unordered_map<uint64_t, std::multimap<Clock::time_point, Entry>::iterator> by_id_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace callredact

#endif  // CALLREDACT_PIPELINE_EXECUTOR_H_
