// A task that throws on a TaskThread (or anything run through GuardedCall)
// does not end the process: the failure is counted, its on_failure runs so
// that its request can be answered, and the tasks after it still run.
#include "engine/leave/task_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <new>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "engine/base/guarded_call.h"

namespace routerd::leave {
namespace {

TEST(TaskThreadTest, ThrowingTasksAreReportedAndTheThreadGoesOn) {
  auto thread = TaskThread::Create("test-tasks");
  std::atomic<int> failed{0};
  thread->Post([] { throw std::runtime_error("a read failed"); }, [&] { failed.fetch_add(1); });
  thread->Post([] { throw std::bad_alloc(); }, [&] { failed.fetch_add(1); });
  thread->Post([] { throw 7; });  // no handler: only logged
  std::promise<void> ran;
  thread->Post([&] { ran.set_value(); });
  ran.get_future().get();
  EXPECT_EQ(failed.load(), 2);
  thread->Stop();
}

TEST(TaskThreadTest, AfterStopAThrowingTaskIsStillGuardedOnTheCallersThread) {
  auto thread = TaskThread::Create("test-tasks");
  thread->Stop();
  bool failed = false;
  thread->Post([] { throw std::runtime_error("late"); }, [&] { failed = true; });
  EXPECT_TRUE(failed);
}

TEST(GuardedCallTest, CountsFailuresAndSurvivesAFailingFailureHandler) {
  FailureLog log("a test task");
  EXPECT_TRUE(GuardedCall(log, [] {}));
  EXPECT_FALSE(GuardedCall(log, [] { throw std::bad_alloc(); }));
  EXPECT_FALSE(GuardedCall(log, [] { throw std::logic_error("x"); }, [] { throw std::runtime_error("y"); }));
  EXPECT_EQ(log.failures(), 3u);  // two tasks and one handler
}

TEST(GuardedCallTest, AnEventLoopRunsOnAfterAHandlerThrows) {
  boost::asio::io_context io;
  FailureLog log("a test event loop");
  int ran = 0;
  boost::asio::post(io, [&] { ++ran; });
  boost::asio::post(io, [] { throw std::runtime_error("handler failed"); });
  boost::asio::post(io, [&] { ++ran; });
  boost::asio::post(io, [] { throw std::bad_alloc(); });
  boost::asio::post(io, [&] { ++ran; });
  RunEventLoopGuarded(io, log);  // returns once the loop is out of work
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(log.failures(), 2u);
}

}  // namespace
}  // namespace routerd::leave
