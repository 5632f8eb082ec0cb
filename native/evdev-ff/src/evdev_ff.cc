// Linux evdev force feedback for racing wheels, as a Node-API add-on (one binary for Node and Electron).
// Thin and stateless: every function takes the file descriptor it works on, so the module keeps no
// globals and loads in worker threads and utility processes. Errors are thrown as Error objects with
// code (e.g. 'EACCES'), errno and syscall set, like Node's own fs errors; the JS wrapper maps them to
// the status the UI shows. Kernel interface: Documentation/input/ff.rst and linux/input.h.
#define NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
#include <napi.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace {

constexpr size_t kBitsPerLong = sizeof(unsigned long) * 8;
constexpr size_t Longs(size_t bits) { return (bits + kBitsPerLong - 1) / kBitsPerLong; }

bool TestBit(const unsigned long *bits, size_t bit) {
  return (bits[bit / kBitsPerLong] >> (bit % kBitsPerLong)) & 1UL;
}

const char *ErrnoName(int err) {
  switch (err) {
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case ENOTTY: return "ENOTTY";
    case EINVAL: return "EINVAL";
    case EBUSY: return "EBUSY";
    case ENOSPC: return "ENOSPC";
    case ENOMEM: return "ENOMEM";
    case EIO: return "EIO";
    case EROFS: return "EROFS";
    case EISDIR: return "EISDIR";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case EFAULT: return "EFAULT";
    case ENOSYS: return "ENOSYS";
    default: return "EUNKNOWN";
  }
}

[[noreturn]] void ThrowErrno(Napi::Env env, int err, const char *syscall, const std::string &what) {
  std::string message = std::string(ErrnoName(err)) + ": " + std::strerror(err) + ", " + syscall;
  if (!what.empty()) message += " '" + what + "'";
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, ErrnoName(err)));
  error.Set("errno", Napi::Number::New(env, -err));
  error.Set("syscall", Napi::String::New(env, syscall));
  if (!what.empty()) error.Set("path", Napi::String::New(env, what));
  throw error;
}

int FdArg(const Napi::CallbackInfo &info, size_t index = 0) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), "expected a file descriptor");
  }
  int fd = info[index].As<Napi::Number>().Int32Value();
  if (fd < 0) throw Napi::TypeError::New(info.Env(), "expected a file descriptor");
  return fd;
}

int32_t IntArg(const Napi::CallbackInfo &info, size_t index, int32_t lo, int32_t hi, const char *name) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string("expected a number for ") + name);
  }
  double value = info[index].As<Napi::Number>().DoubleValue();
  if (!(value >= lo && value <= hi)) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " is out of range [" +
                                                std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int32_t>(value);
}

void WriteEvent(Napi::Env env, int fd, uint16_t type, uint16_t code, int32_t value) {
  struct input_event event;
  std::memset(&event, 0, sizeof(event));
  event.type = type;
  event.code = code;
  event.value = value;
  ssize_t written;
  do {
    written = write(fd, &event, sizeof(event));
  } while (written < 0 && errno == EINTR);
  if (written < 0) ThrowErrno(env, errno, "write", "");
  if (written != static_cast<ssize_t>(sizeof(event))) ThrowErrno(env, EIO, "write", "");
}

// An effect of `type` whose id (argument 1: −1 = new) and replay length (argument `lengthArg`, ms)
// come from the call.
struct ff_effect NewEffect(const Napi::CallbackInfo &info, uint16_t type, size_t lengthArg) {
  struct ff_effect effect;
  std::memset(&effect, 0, sizeof(effect));
  effect.type = type;
  effect.id = static_cast<int16_t>(IntArg(info, 1, -1, FF_MAX_EFFECTS - 1, "id"));
  effect.replay.length = static_cast<uint16_t>(IntArg(info, lengthArg, 0, 0xFFFF, "lengthMs"));
  return effect;
}

// Uploads (EVIOCSFF) and returns the id the kernel assigned.
Napi::Value UploadEffect(const Napi::CallbackInfo &info, int fd, struct ff_effect *effect) {
  if (ioctl(fd, EVIOCSFF, effect) < 0) ThrowErrno(info.Env(), errno, "ioctl(EVIOCSFF)", "");
  return Napi::Number::New(info.Env(), effect->id);
}

// open(path) → fd. Read-write: playing effects and setting gain are writes to the device.
Napi::Value Open(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "expected a path");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int fd;
  do {
    fd = open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) ThrowErrno(env, errno, "open", path);
  return Napi::Number::New(env, fd);
}

Napi::Value Close(const Napi::CallbackInfo &info) {
  int fd = FdArg(info);
  if (close(fd) < 0 && errno != EINTR) ThrowErrno(info.Env(), errno, "close", "");
  return info.Env().Undefined();
}

// probe(fd) → { name, bustype, vendor, product, version, ff, maxEffects, effects: {...} }.
// Throws ENOTTY (or EINVAL) for anything that is not an evdev node.
Napi::Value Probe(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info);

  unsigned long types[Longs(EV_CNT)];
  std::memset(types, 0, sizeof(types));
  if (ioctl(fd, EVIOCGBIT(0, sizeof(types)), types) < 0) ThrowErrno(env, errno, "ioctl(EVIOCGBIT)", "");

  Napi::Object out = Napi::Object::New(env);
  char name[256];
  std::memset(name, 0, sizeof(name));
  if (ioctl(fd, EVIOCGNAME(sizeof(name) - 1), name) < 0) name[0] = '\0';
  out.Set("name", Napi::String::New(env, name));

  struct input_id id;
  std::memset(&id, 0, sizeof(id));
  if (ioctl(fd, EVIOCGID, &id) == 0) {
    out.Set("bustype", Napi::Number::New(env, id.bustype));
    out.Set("vendor", Napi::Number::New(env, id.vendor));
    out.Set("product", Napi::Number::New(env, id.product));
    out.Set("version", Napi::Number::New(env, id.version));
  }

  bool hasFf = TestBit(types, EV_FF);
  out.Set("ff", Napi::Boolean::New(env, hasFf));
  out.Set("abs", Napi::Boolean::New(env, TestBit(types, EV_ABS)));

  unsigned long ff[Longs(FF_CNT)];
  std::memset(ff, 0, sizeof(ff));
  int maxEffects = 0;
  if (hasFf) {
    if (ioctl(fd, EVIOCGBIT(EV_FF, sizeof(ff)), ff) < 0) ThrowErrno(env, errno, "ioctl(EVIOCGBIT(EV_FF))", "");
    if (ioctl(fd, EVIOCGEFFECTS, &maxEffects) < 0) maxEffects = 0;
  }
  out.Set("maxEffects", Napi::Number::New(env, maxEffects));
  Napi::Object effects = Napi::Object::New(env);
  effects.Set("constant", Napi::Boolean::New(env, TestBit(ff, FF_CONSTANT)));
  effects.Set("periodic", Napi::Boolean::New(env, TestBit(ff, FF_PERIODIC)));
  effects.Set("rumble", Napi::Boolean::New(env, TestBit(ff, FF_RUMBLE)));
  effects.Set("spring", Napi::Boolean::New(env, TestBit(ff, FF_SPRING)));
  effects.Set("damper", Napi::Boolean::New(env, TestBit(ff, FF_DAMPER)));
  effects.Set("friction", Napi::Boolean::New(env, TestBit(ff, FF_FRICTION)));
  effects.Set("ramp", Napi::Boolean::New(env, TestBit(ff, FF_RAMP)));
  effects.Set("gain", Napi::Boolean::New(env, TestBit(ff, FF_GAIN)));
  effects.Set("autocenter", Napi::Boolean::New(env, TestBit(ff, FF_AUTOCENTER)));
  out.Set("effects", effects);
  return out;
}

// absInfo(fd, code) → { value, minimum, maximum, fuzz, flat, resolution }: the wheel's own position,
// read without an event loop (EVIOCGABS).
Napi::Value AbsInfo(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info);
  int32_t code = IntArg(info, 1, 0, ABS_MAX, "code");
  struct input_absinfo abs;
  std::memset(&abs, 0, sizeof(abs));
  if (ioctl(fd, EVIOCGABS(code), &abs) < 0) ThrowErrno(env, errno, "ioctl(EVIOCGABS)", "");
  Napi::Object out = Napi::Object::New(env);
  out.Set("value", Napi::Number::New(env, abs.value));
  out.Set("minimum", Napi::Number::New(env, abs.minimum));
  out.Set("maximum", Napi::Number::New(env, abs.maximum));
  out.Set("fuzz", Napi::Number::New(env, abs.fuzz));
  out.Set("flat", Napi::Number::New(env, abs.flat));
  out.Set("resolution", Napi::Number::New(env, abs.resolution));
  return out;
}

// setGain(fd, 0..0xFFFF) and setAutocenter(fd, 0..0xFFFF): EV_FF events written to the device.
Napi::Value SetGain(const Napi::CallbackInfo &info) {
  WriteEvent(info.Env(), FdArg(info), EV_FF, FF_GAIN, IntArg(info, 1, 0, 0xFFFF, "gain"));
  return info.Env().Undefined();
}

Napi::Value SetAutocenter(const Napi::CallbackInfo &info) {
  WriteEvent(info.Env(), FdArg(info), EV_FF, FF_AUTOCENTER, IntArg(info, 1, 0, 0xFFFF, "autocenter"));
  return info.Env().Undefined();
}

// uploadConstant(fd, id, level, direction, lengthMs, delayMs = 0) → id. id −1 creates an effect; an
// existing id updates it in place (also while it plays). level 0..0x7FFF; direction 0x4000 = left,
// 0xC000 = right (linux/input.h); lengthMs 0 plays until stopped; delayMs postpones the start.
Napi::Value UploadConstant(const Napi::CallbackInfo &info) {
  int fd = FdArg(info);
  struct ff_effect effect = NewEffect(info, FF_CONSTANT, 4);
  effect.u.constant.level = static_cast<int16_t>(IntArg(info, 2, -0x7FFF, 0x7FFF, "level"));
  effect.direction = static_cast<uint16_t>(IntArg(info, 3, 0, 0xFFFF, "direction"));
  effect.replay.delay =
      static_cast<uint16_t>(info.Length() > 5 ? IntArg(info, 5, 0, 0xFFFF, "delayMs") : 0);
  return UploadEffect(info, fd, &effect);
}

// uploadRumble(fd, id, strong, weak, lengthMs) → id.
Napi::Value UploadRumble(const Napi::CallbackInfo &info) {
  int fd = FdArg(info);
  struct ff_effect effect = NewEffect(info, FF_RUMBLE, 4);
  effect.u.rumble.strong_magnitude = static_cast<uint16_t>(IntArg(info, 2, 0, 0xFFFF, "strong"));
  effect.u.rumble.weak_magnitude = static_cast<uint16_t>(IntArg(info, 3, 0, 0xFFFF, "weak"));
  return UploadEffect(info, fd, &effect);
}

// play(fd, id, count) starts an uploaded effect count times; stop(fd, id) stops it.
Napi::Value Play(const Napi::CallbackInfo &info) {
  int fd = FdArg(info);
  int32_t id = IntArg(info, 1, 0, FF_MAX_EFFECTS - 1, "id");
  int32_t count = info.Length() > 2 ? IntArg(info, 2, 1, 0x7FFFFFFF, "count") : 1;
  WriteEvent(info.Env(), fd, EV_FF, static_cast<uint16_t>(id), count);
  return info.Env().Undefined();
}

Napi::Value Stop(const Napi::CallbackInfo &info) {
  int fd = FdArg(info);
  int32_t id = IntArg(info, 1, 0, FF_MAX_EFFECTS - 1, "id");
  WriteEvent(info.Env(), fd, EV_FF, static_cast<uint16_t>(id), 0);
  return info.Env().Undefined();
}

// erase(fd, id) removes an uploaded effect (closing the device removes all of them too).
Napi::Value Erase(const Napi::CallbackInfo &info) {
  int fd = FdArg(info);
  long id = IntArg(info, 1, 0, FF_MAX_EFFECTS - 1, "id");
  if (ioctl(fd, EVIOCRMFF, id) < 0) ThrowErrno(info.Env(), errno, "ioctl(EVIOCRMFF)", "");
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("probe", Napi::Function::New(env, Probe, "probe"));
  exports.Set("absInfo", Napi::Function::New(env, AbsInfo, "absInfo"));
  exports.Set("setGain", Napi::Function::New(env, SetGain, "setGain"));
  exports.Set("setAutocenter", Napi::Function::New(env, SetAutocenter, "setAutocenter"));
  exports.Set("uploadConstant", Napi::Function::New(env, UploadConstant, "uploadConstant"));
  exports.Set("uploadRumble", Napi::Function::New(env, UploadRumble, "uploadRumble"));
  exports.Set("play", Napi::Function::New(env, Play, "play"));
  exports.Set("stop", Napi::Function::New(env, Stop, "stop"));
  exports.Set("erase", Napi::Function::New(env, Erase, "erase"));
  exports.Set("inputEventSize", Napi::Number::New(env, sizeof(struct input_event)));
  return exports;
}

}  // namespace

NODE_API_MODULE(evdev_ff, Init)
