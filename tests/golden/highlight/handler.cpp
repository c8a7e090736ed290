#include <vector>
namespace nf {
template <typename T> class Queue final : public Base {
public:
	explicit Queue(int n) noexcept : n_(n) {}
	bool empty() const { return n_ == 0 && this != nullptr; }
private:
	int n_; // count
};
}
const char *s = "unterminated
/* and a comment never closed
