#include "pipeline/executor.h"

#include <utility>

namespace callredact {

ThreadPool::ThreadPool(size_t threads) {
  if (threads == 0) {
    threads = std::thread::hardware_concurrency();
    if (threads < 2) threads = 2;
  }
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ThreadPool::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPool::Loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping_ and nothing left to run.
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

TimerThread::TimerThread() : thread_([this] { Loop(); }) {}

TimerThread::~TimerThread() { Stop(); }

uint64_t TimerThread::Schedule(Clock::time_point when, std::function<void()> fire,
                               std::function<void()> cancelled) {
  uint64_t id;
  bool earliest;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) {
      lock.unlock();
      if (cancelled) cancelled();
      return 0;
    }
    id = next_id_++;
    auto it = timers_.emplace(when, Entry{id, std::move(fire), std::move(cancelled)});
    by_id_.emplace(id, it);
    earliest = it == timers_.begin();
  }
  // The thread sleeps until the earliest deadline; a later one needs no wake-up (with
  // thousands of streams re-arming timers, waking it for each cost a context switch).
  if (earliest) cv_.notify_one();
  return id;
}

bool TimerThread::Cancel(uint64_t id) {
  std::function<void()> cancelled;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = by_id_.find(id);
    if (found == by_id_.end()) return false;
    cancelled = std::move(found->second->second.cancelled);
    timers_.erase(found->second);
    by_id_.erase(found);
  }
  if (cancelled) cancelled();
  return true;
}

void TimerThread::Stop() {
  std::multimap<Clock::time_point, Entry> pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    pending.swap(timers_);
    by_id_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  for (auto& [when, entry] : pending) {
    if (entry.cancelled) entry.cancelled();
  }
}

void TimerThread::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (timers_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = timers_.begin();
    if (Clock::now() < first->first) {
      cv_.wait_until(lock, first->first);
      continue;
    }
    Entry entry = std::move(first->second);
    by_id_.erase(entry.id);
    timers_.erase(first);
    lock.unlock();
    if (entry.fire) entry.fire();
    lock.lock();
  }
}

}  // namespace callredact
