// The three firmware modes (capture, classify, profile), written once for every board.
#ifndef MF_APP_H_
#define MF_APP_H_

void mf_app_setup();
void mf_app_loop();

#endif  // MF_APP_H_
