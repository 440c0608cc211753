import { imuLibrary, TFLM_ARDUINO_INSTALL } from '../../../shared/arduino-libraries'
import type { ProjectKind } from '../../../shared/boards'

/** Step-by-step flashing guide per IDE, shown beside the generated project. */
export const FLASH_GUIDES: Record<ProjectKind, { title: string; steps: string[] }> = {
  arduino: {
    title: 'Arduino IDE',
    steps: [
      'Install the Arduino IDE 2 and, in Boards Manager, "Arduino Mbed OS Nano Boards".',
      `Sketch → Include Library → Manage Libraries: install the IMU library for your board revision (${imuLibrary('rev1')} for Rev1, ${imuLibrary('rev2')} for Rev2).`,
      `TensorFlow Lite Micro runtime only: ${TFLM_ARDUINO_INSTALL.replace(/ > /g, ' → ')}`,
      'File → Open… and pick the .ino file in the generated folder (the folder and the sketch share a name; keep it that way).',
      'Plug in the board, choose Tools → Board → Arduino Nano 33 BLE and Tools → Port.',
      'Click Upload (→). When it finishes, open the Serial Monitor at the baud rate shown here, or go to Profile.'
    ]
  },
  platformio: {
    title: 'PlatformIO (VS Code)',
    steps: [
      'Install VS Code and the PlatformIO IDE extension.',
      'PlatformIO Home → Open Project, and pick the generated folder (it holds platformio.ini).',
      'Wire the sensor as the project README shows (MPU6050 on I2C) for ESP32, Pico and STM32 boards.',
      'Click the PlatformIO Upload button (→) in the status bar; PlatformIO downloads the toolchain once.',
      'Open the Serial Monitor (plug icon) at the baud rate shown here, or go to Profile.'
    ]
  },
  'esp-idf': {
    title: 'ESP-IDF',
    steps: [
      'Install ESP-IDF 5.x (the installer sets up the toolchain) and open an ESP-IDF terminal.',
      'cd into the generated folder; run idf.py set-target esp32.',
      'Run idf.py build; the esp-tflite-micro component is fetched by the component manager on the first build.',
      'Run idf.py -p PORT flash monitor (PORT like /dev/ttyUSB0 or COM3).',
      'Leave the monitor with Ctrl+], then profile from Microforge.'
    ]
  }
}
